package receiptdynamo

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// This file converts free-form values (job configuration, checkpoint
// metrics, resource configuration and utilisation, structured metric values)
// to and from DynamoDB attribute values, recursively:
//
//	Go                                  DynamoDB
//	map[string]any (any string-keyed)   M
//	[]any (any slice or array)          L
//	string                              S
//	json.Number, ints, floats           N
//	bool                                BOOL
//	nil                                 NULL
//	[]byte                              B
//
// Decoding gives map[string]any, []any, string, json.Number, bool, nil and
// []byte. Numbers are decoded as json.Number holding the stored text, so
// that integers beyond 2^53 and long decimals survive unchanged. The sets
// SS, NS and BS, which this code never writes, decode as lists.

// maxNumDigits is the precision of a DynamoDB number, in significant digits.
const maxNumDigits = 38

// EncodeFreeform returns the attribute value of a free-form value v (see
// the table above). A value of another type, a number that DynamoDB cannot
// store (NaN, infinities, more than 38 significant digits, magnitude outside
// 1e-130..1e126) or malformed json.Number text is a *ValidationError whose
// Field is the path of the value inside v, such as "config.layers[1]" for
// path "config".
func EncodeFreeform(path string, v any) (types.AttributeValue, error) {
	switch x := v.(type) {
	case nil:
		return null(), nil
	case string:
		return s(x), nil
	case bool:
		return b(x), nil
	case json.Number:
		if rule := numberRule(string(x)); rule != "" {
			return nil, Invalid("", path, rule, strconv.Quote(string(x)))
		}
		return &types.AttributeValueMemberN{Value: string(x)}, nil
	case float64:
		return freeformFloat(path, x, 64)
	case float32:
		return freeformFloat(path, float64(x), 32)
	case int:
		return ni(int64(x)), nil
	case int64:
		return ni(x), nil
	case int32:
		return ni(int64(x)), nil
	case []byte:
		return &types.AttributeValueMemberB{Value: append([]byte(nil), x...)}, nil
	case map[string]any:
		m := make(map[string]types.AttributeValue, len(x))
		for k, e := range x {
			av, err := EncodeFreeform(path+"."+k, e)
			if err != nil {
				return nil, err
			}
			m[k] = av
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	case []any:
		l := make([]types.AttributeValue, len(x))
		for i, e := range x {
			av, err := EncodeFreeform(path+"["+strconv.Itoa(i)+"]", e)
			if err != nil {
				return nil, err
			}
			l[i] = av
		}
		return &types.AttributeValueMemberL{Value: l}, nil
	}
	return encodeReflect(path, reflect.ValueOf(v))
}

// encodeReflect encodes the kinds that the type switch of EncodeFreeform
// does not name: other integer types, named types, typed maps and slices.
func encodeReflect(path string, rv reflect.Value) (types.AttributeValue, error) {
	switch rv.Kind() {
	case reflect.String:
		return s(rv.String()), nil
	case reflect.Bool:
		return b(rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return ni(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Uintptr:
		return &types.AttributeValueMemberN{Value: strconv.FormatUint(rv.Uint(), 10)}, nil
	case reflect.Float32:
		return freeformFloat(path, rv.Float(), 32)
	case reflect.Float64:
		return freeformFloat(path, rv.Float(), 64)
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			break
		}
		m := make(map[string]types.AttributeValue, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			k := it.Key().String()
			av, err := EncodeFreeform(path+"."+k, it.Value().Interface())
			if err != nil {
				return nil, err
			}
			m[k] = av
		}
		return &types.AttributeValueMemberM{Value: m}, nil
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.IsNil() {
			return null(), nil
		}
		l := make([]types.AttributeValue, rv.Len())
		for i := range l {
			av, err := EncodeFreeform(path+"["+strconv.Itoa(i)+"]", rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			l[i] = av
		}
		return &types.AttributeValueMemberL{Value: l}, nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return null(), nil
		}
		return EncodeFreeform(path, rv.Elem().Interface())
	}
	return nil, Invalid("", path, "must be a map, list, string, number, boolean or nil",
		rv.Type().String())
}

// freeformFloat writes a float as the shortest decimal that round-trips
// it at its bit size.
func freeformFloat(path string, f float64, bits int) (types.AttributeValue, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, Invalid("", path, "must be a finite number", f)
	}
	text := strconv.FormatFloat(f, 'g', -1, bits)
	if rule := numberRule(text); rule != "" {
		return nil, Invalid("", path, rule, text)
	}
	return &types.AttributeValueMemberN{Value: strconv.FormatFloat(f, 'f', -1, bits)}, nil
}

// numberRule returns the rule that the number text v breaks, or "" when
// DynamoDB can store it: -?digits(.digits)?(e[+-]?digits)? (leading zeros
// allowed), at most 38 significant digits, and a magnitude of zero or
// within 1e-130..1e126.
func numberRule(v string) string {
	const syntax = "must be a decimal number"
	i := 0
	if i < len(v) && v[i] == '-' {
		i++
	}
	var mant []byte // the digits of the mantissa, without the point
	intLen := -1    // digits before the point, once a point is seen
	for ; i < len(v); i++ {
		c := v[i]
		if c >= '0' && c <= '9' {
			mant = append(mant, c)
		} else if c == '.' && intLen < 0 && len(mant) > 0 {
			intLen = len(mant)
		} else {
			break
		}
	}
	if len(mant) == 0 || intLen == len(mant) {
		return syntax
	}
	if intLen < 0 {
		intLen = len(mant)
	}
	exp := 0
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		e, err := strconv.Atoi(v[i+1:])
		switch {
		case err != nil && !errors.Is(err, strconv.ErrRange):
			return syntax
		case err != nil || e < -1000 || e > 1000:
			return "must be within 1e-130 to 1e126 in magnitude"
		}
		exp, i = e, len(v)
	}
	if i != len(v) {
		return syntax
	}

	// Leading and trailing zeros are not significant.
	lead := 0
	for lead < len(mant) && mant[lead] == '0' {
		lead++
	}
	end := len(mant)
	for end > lead && mant[end-1] == '0' {
		end--
	}
	if end == lead {
		return "" // zero
	}
	if end-lead > maxNumDigits {
		return "must have at most 38 significant digits"
	}
	// The power of ten of the first significant digit.
	if p := intLen - lead - 1 + exp; p < -130 || p > 125 {
		return "must be within 1e-130 to 1e126 in magnitude"
	}
	return ""
}

// DecodeFreeform returns the free-form value of the attribute value av:
// M gives map[string]any, L []any, S string, N json.Number (the stored
// text), BOOL bool, NULL nil, B []byte; SS, NS and BS give lists. A missing
// value inside a map or list is a *ValidationError whose Field is its path.
func DecodeFreeform(path string, av types.AttributeValue) (any, error) {
	switch x := av.(type) {
	case *types.AttributeValueMemberNULL:
		return nil, nil
	case *types.AttributeValueMemberS:
		return x.Value, nil
	case *types.AttributeValueMemberN:
		return json.Number(x.Value), nil
	case *types.AttributeValueMemberBOOL:
		return x.Value, nil
	case *types.AttributeValueMemberB:
		return append([]byte(nil), x.Value...), nil
	case *types.AttributeValueMemberM:
		m := make(map[string]any, len(x.Value))
		for k, e := range x.Value {
			v, err := DecodeFreeform(path+"."+k, e)
			if err != nil {
				return nil, err
			}
			m[k] = v
		}
		return m, nil
	case *types.AttributeValueMemberL:
		l := make([]any, len(x.Value))
		for i, e := range x.Value {
			v, err := DecodeFreeform(path+"["+strconv.Itoa(i)+"]", e)
			if err != nil {
				return nil, err
			}
			l[i] = v
		}
		return l, nil
	case *types.AttributeValueMemberSS:
		l := make([]any, len(x.Value))
		for i, e := range x.Value {
			l[i] = e
		}
		return l, nil
	case *types.AttributeValueMemberNS:
		l := make([]any, len(x.Value))
		for i, e := range x.Value {
			l[i] = json.Number(e)
		}
		return l, nil
	case *types.AttributeValueMemberBS:
		l := make([]any, len(x.Value))
		for i, e := range x.Value {
			l[i] = append([]byte(nil), e...)
		}
		return l, nil
	}
	return nil, Invalid("", path, "must be a DynamoDB value", typeName(av))
}

// readFreeform reads the free-form map attribute attr. Missing, NULL and
// empty maps give nil.
func readFreeform(d *decoder, attr string) map[string]any {
	switch av := d.get(attr).(type) {
	case nil:
		return nil
	case *types.AttributeValueMemberM:
		if len(av.Value) == 0 {
			return nil
		}
		v, err := DecodeFreeform(attr, av)
		if err != nil {
			d.fail(ruleOf(err, attr))
			return nil
		}
		return v.(map[string]any)
	default:
		d.fail(attr, "must be a map", typeName(av))
		return nil
	}
}
