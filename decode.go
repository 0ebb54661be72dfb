package receiptdynamo

import "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

// decoders maps each item type to the decoder of its entity. The job-side
// types are added by job_decode.go.
var decoders = map[string]func(Item) (Entity, error){
	TypeImage:             decodeEntity[Image],
	TypeLine:              decodeEntity[Line],
	TypeWord:              decodeEntity[Word],
	TypeLetter:            decodeEntity[Letter],
	TypeWordTag:           decodeEntity[WordTag],
	TypeReceipt:           decodeEntity[Receipt],
	TypeReceiptLine:       decodeEntity[ReceiptLine],
	TypeReceiptWord:       decodeEntity[ReceiptWord],
	TypeReceiptLetter:     decodeEntity[ReceiptLetter],
	TypeReceiptWordTag:    decodeEntity[ReceiptWordTag],
	TypeReceiptWindow:     decodeEntity[ReceiptWindow],
	TypeGPTInitialTagging: decodeEntity[GPTInitialTagging],
	TypeGPTValidation:     decodeEntity[GPTValidation],
}

// decodeEntity decodes item as the entity type T.
func decodeEntity[T Entity, P interface {
	*T
	ItemUnmarshaler
}](item Item) (Entity, error) {
	var v T
	if err := P(&v).UnmarshalItem(item); err != nil {
		return nil, err
	}
	return v, nil
}

// UnmarshalAny decodes item into the entity its TYPE names, returned as a
// value (a Word, not a *Word). It fails with an error matching ErrInvalid
// when TYPE is missing or unknown, or when the item does not decode as that
// type.
func UnmarshalAny(item Item) (Entity, error) {
	tv, ok := item[AttrType].(*types.AttributeValueMemberS)
	if !ok {
		return nil, Invalid("Item", AttrType, "missing or not a string", typeName(item[AttrType]))
	}
	decode, ok := decoders[tv.Value]
	if !ok {
		return nil, Invalid("Item", AttrType, "unknown item type", tv.Value)
	}
	return decode(item)
}
