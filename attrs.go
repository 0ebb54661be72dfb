package receiptdynamo

import "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

// Attribute value builders used by the encoders.

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
