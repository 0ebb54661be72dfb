package receiptdynamo

// Entity is implemented by the value type of each of the 24 item types
// (Image, Line, Word, …, QueueJob). An Entity knows its item type and key,
// checks its own rules, and encodes itself into the stored item format.
type Entity interface {
	// ItemType returns the TYPE attribute of the entity's item, such as
	// TypeWord.
	ItemType() string
	// Key returns the primary key of the entity's item.
	Key() Key
	// Validate checks every rule of the item format; a broken rule is a
	// *ValidationError naming the type, the field and the rule.
	Validate() error
	// MarshalItem validates the entity and returns its item with every key
	// attribute (PK, SK, the index keys it has, TYPE).
	MarshalItem() (Item, error)
}

// ItemUnmarshaler is implemented by a pointer to each entity type. It
// decodes an item of that type, tolerating the variants of the older
// writer, and fails with an error matching ErrInvalid that names the item
// type and the attribute when TYPE is not its own or an attribute is
// missing or malformed.
type ItemUnmarshaler interface {
	UnmarshalItem(item Item) error
}

// Decode decodes item into the entity type T:
//
//	w, err := receiptdynamo.Decode[receiptdynamo.Word](item)
func Decode[T any, P interface {
	*T
	ItemUnmarshaler
}](item Item) (T, error) {
	var v T
	err := P(&v).UnmarshalItem(item)
	return v, err
}
