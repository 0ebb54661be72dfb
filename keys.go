package receiptdynamo

import (
	"fmt"
	"strconv"
	"strings"
)

// This file is the one place that spells keys. Every PK, SK and index key of
// every item type is built here, so that the rest of the module never writes
// "IMAGE#" or a padding rule itself.
//
// Two rules make keys sort the way queries need:
//
//   - Integer ids (receipt, line, word, letter) are zero-padded to five
//     digits, LINE#00007, because DynamoDB compares string keys byte by byte:
//     unpadded, LINE#10 would sort before LINE#9. Valid ids are 1..99999.
//   - Tags are left-padded with underscores to 40 characters inside keys
//     (TAG#___…___TOTAL). The older implementation chose this so that every
//     tag key has one width; we keep it because stored tables depend on it.
//     The tag_name attribute holds the tag unpadded. Tags are not case-folded
//     here: a lowercase tag of the older writer is addressed as stored.
//
// Timestamps inside keys are the stored text of the timestamp (see
// FormatTime), so that keys of one job sort in time order.

// The TYPE of every item.
const (
	TypeImage             = "IMAGE"
	TypeLine              = "LINE"
	TypeWord              = "WORD"
	TypeLetter            = "LETTER"
	TypeWordTag           = "WORD_TAG"
	TypeReceipt           = "RECEIPT"
	TypeReceiptLine       = "RECEIPT_LINE"
	TypeReceiptWord       = "RECEIPT_WORD"
	TypeReceiptLetter     = "RECEIPT_LETTER"
	TypeReceiptWordTag    = "RECEIPT_WORD_TAG"
	TypeReceiptWindow     = "RECEIPT_WINDOW"
	TypeGPTInitialTagging = "GPT_INITIAL_TAGGING"
	TypeGPTValidation     = "GPT_VALIDATION"

	TypeJob           = "JOB"
	TypeJobStatus     = "JOB_STATUS"
	TypeJobResource   = "JOB_RESOURCE"
	TypeJobMetric     = "JOB_METRIC"
	TypeJobCheckpoint = "JOB_CHECKPOINT"
	TypeJobLog        = "JOB_LOG"
	TypeJobDependency = "JOB_DEPENDENCY"
	TypeInstance      = "INSTANCE"
	TypeInstanceJob   = "INSTANCE_JOB"
	TypeQueue         = "QUEUE"
	TypeQueueJob      = "QUEUE_JOB"
)

// ItemTypes lists every item type, OCR side first.
var ItemTypes = []string{
	TypeImage, TypeLine, TypeWord, TypeLetter, TypeWordTag, TypeReceipt,
	TypeReceiptLine, TypeReceiptWord, TypeReceiptLetter, TypeReceiptWordTag,
	TypeReceiptWindow, TypeGPTInitialTagging, TypeGPTValidation,
	TypeJob, TypeJobStatus, TypeJobResource, TypeJobMetric, TypeJobCheckpoint,
	TypeJobLog, TypeJobDependency, TypeInstance, TypeInstanceJob, TypeQueue,
	TypeQueueJob,
}

const (
	sep      = "#"
	idWidth  = 5 // digits of a padded integer id
	MaxID    = 99999
	tagWidth = 40 // characters of a padded tag
)

// Constant key parts.
const (
	pfxImage      = "IMAGE#"
	pfxLine       = "LINE#"
	pfxWord       = "#WORD#"
	pfxLetter     = "#LETTER#"
	pfxTag        = "TAG#"
	pfxReceipt    = "RECEIPT#"
	pfxWindow     = "#RECEIPT_WINDOW#"
	skInitialTag  = "#QUERY#INITIAL_TAGGING"
	skValidation  = "#QUERY#VALIDATION"
	pfxJob        = "JOB#"
	pfxStatus     = "STATUS#"
	pfxCreated    = "CREATED#"
	pfxUpdated    = "UPDATED#"
	pfxResource   = "RESOURCE#"
	pfxMetric     = "METRIC#"
	pfxCheckpoint = "CHECKPOINT#"
	pfxLog        = "LOG#"
	pfxDependsOn  = "DEPENDS_ON#"
	pfxDependent  = "DEPENDENT#"
	pfxDependedBy = "DEPENDED_BY#"
	pfxInstance   = "INSTANCE#"
	pfxUser       = "USER#"
	pfxQueue      = "QUEUE#"

	gsiImage      = "IMAGE"
	gsiReceipt    = "RECEIPT"
	gsiResource   = "RESOURCE"
	gsiCheckpoint = "CHECKPOINT"
	gsiLog        = "LOG"
	gsiDependency = "DEPENDENCY"
	gsiJob        = "JOB"
	gsiQueue      = "QUEUE"
)

// PadID formats an integer id as five digits: PadID(7) == "00007".
func PadID(id int) string {
	var buf [idWidth]byte
	return string(appendID(buf[:0], id))
}

// appendID appends id as PadID writes it.
func appendID(dst []byte, id int) []byte {
	var buf [idWidth]byte
	for i := idWidth - 1; i >= 0; i-- {
		buf[i] = byte('0' + id%10)
		id /= 10
	}
	return append(dst, buf[:]...)
}

// PadTag left-pads a tag with underscores to 40 characters, as tags appear
// inside keys. The tag's case is kept.
func PadTag(tag string) string {
	if n := tagWidth - len(tag); n > 0 {
		return strings.Repeat("_", n) + tag
	}
	return tag
}

// keySet holds every key attribute of one item; "" means the item has no
// such attribute, which keeps it out of that index.
type keySet struct {
	PK, SK         string
	GSI1PK, GSI1SK string
	GSI2PK, GSI2SK string
	GSI3PK, GSI3SK string
	Type           string
}

// Key returns the primary key.
func (k keySet) Key() Key { return Key{PK: k.PK, SK: k.SK} }

// put writes the key attributes into item.
func (k keySet) put(item Item) {
	item[AttrPK] = s(k.PK)
	item[AttrSK] = s(k.SK)
	item[AttrType] = s(k.Type)
	if k.GSI1PK != "" {
		item[AttrGSI1PK] = s(k.GSI1PK)
		item[AttrGSI1SK] = s(k.GSI1SK)
	}
	if k.GSI2PK != "" {
		item[AttrGSI2PK] = s(k.GSI2PK)
		item[AttrGSI2SK] = s(k.GSI2SK)
	}
	if k.GSI3PK != "" {
		item[AttrGSI3PK] = s(k.GSI3PK)
		item[AttrGSI3SK] = s(k.GSI3SK)
	}
}

// OCR side. i is an image id; r, l, w, c receipt, line, word and letter ids.

func imagePK(i string) string { return pfxImage + i }

// The sort keys of lines, words and letters are built in one buffer: they
// are made for every item of an import.

func lineSK(l int) string {
	var buf [32]byte
	return string(appendID(append(buf[:0], pfxLine...), l))
}

func wordSK(l, w int) string {
	var buf [32]byte
	return string(appendWordSK(buf[:0], l, w))
}

func letterSK(l, w, c int) string {
	var buf [32]byte
	return string(appendID(append(appendWordSK(buf[:0], l, w), pfxLetter...), c))
}

func appendWordSK(dst []byte, l, w int) []byte {
	return appendID(append(appendID(append(dst, pfxLine...), l), pfxWord...), w)
}

func tagSK(wordSK, tag string) string { return wordSK + sep + pfxTag + PadTag(tag) }
func receiptSK(r int) string          { return pfxReceipt + PadID(r) }

func imageKeys(i string) keySet {
	return keySet{
		PK: imagePK(i), SK: TypeImage,
		GSI1PK: gsiImage, GSI1SK: imagePK(i),
		GSI2PK: imagePK(i), GSI2SK: TypeImage,
		Type: TypeImage,
	}
}

func lineKeys(i string, l int) keySet {
	return keySet{
		PK: imagePK(i), SK: lineSK(l),
		GSI1PK: gsiImage, GSI1SK: imagePK(i) + sep + lineSK(l),
		Type: TypeLine,
	}
}

func wordKeys(i string, l, w int) keySet {
	pk, sk := imagePK(i), wordSK(l, w)
	return keySet{PK: pk, SK: sk, GSI2PK: pk, GSI2SK: sk, Type: TypeWord}
}

func letterKeys(i string, l, w, c int) keySet {
	return keySet{PK: imagePK(i), SK: letterSK(l, w, c), Type: TypeLetter}
}

func wordTagKeys(i string, l, w int, tag string) keySet {
	sk := tagSK(wordSK(l, w), tag)
	return keySet{
		PK: imagePK(i), SK: sk,
		GSI1PK: pfxTag + PadTag(tag), GSI1SK: imagePK(i) + sep + wordSK(l, w),
		GSI2PK: imagePK(i), GSI2SK: sk,
		Type: TypeWordTag,
	}
}

func receiptKeys(i string, r int) keySet {
	return keySet{
		PK: imagePK(i), SK: receiptSK(r),
		GSI1PK: gsiImage, GSI1SK: imagePK(i) + sep + receiptSK(r),
		GSI2PK: gsiReceipt, GSI2SK: imagePK(i) + sep + receiptSK(r),
		GSI3PK: gsiReceipt, GSI3SK: receiptSK(r),
		Type: TypeReceipt,
	}
}

func receiptLineKeys(i string, r, l int) keySet {
	return keySet{
		PK: imagePK(i), SK: receiptSK(r) + sep + lineSK(l),
		Type: TypeReceiptLine,
	}
}

func receiptWordKeys(i string, r, l, w int) keySet {
	sk := receiptSK(r) + sep + wordSK(l, w)
	return keySet{
		PK: imagePK(i), SK: sk,
		GSI2PK: gsiReceipt, GSI2SK: imagePK(i) + sep + sk,
		Type: TypeReceiptWord,
	}
}

func receiptLetterKeys(i string, r, l, w, c int) keySet {
	return keySet{
		PK: imagePK(i), SK: receiptSK(r) + sep + letterSK(l, w, c),
		Type: TypeReceiptLetter,
	}
}

func receiptWordTagKeys(i string, r, l, w int, tag string) keySet {
	word := receiptSK(r) + sep + wordSK(l, w)
	sk := tagSK(word, tag)
	return keySet{
		PK: imagePK(i), SK: sk,
		GSI1PK: pfxTag + PadTag(tag), GSI1SK: imagePK(i) + sep + word,
		GSI2PK: gsiReceipt, GSI2SK: imagePK(i) + sep + sk,
		Type: TypeReceiptWordTag,
	}
}

func receiptWindowKeys(i string, r int, corner string) keySet {
	sk := receiptSK(r) + pfxWindow + corner
	return keySet{
		PK: imagePK(i), SK: sk,
		GSI3PK: gsiReceipt, GSI3SK: sk,
		Type: TypeReceiptWindow,
	}
}

func gptInitialTaggingKeys(i string, r int) keySet {
	return keySet{
		PK: imagePK(i), SK: receiptSK(r) + skInitialTag,
		Type: TypeGPTInitialTagging,
	}
}

func gptValidationKeys(i string, r int) keySet {
	return keySet{
		PK: imagePK(i), SK: receiptSK(r) + skValidation,
		Type: TypeGPTValidation,
	}
}

// Job side. j is a job id, ts a timestamp as stored (FormatTime).

func jobPK(j string) string { return pfxJob + j }

func jobKeys(j, status, createdTS, user string) keySet {
	return keySet{
		PK: jobPK(j), SK: TypeJob,
		GSI1PK: pfxStatus + status, GSI1SK: pfxCreated + createdTS,
		GSI2PK: pfxUser + user, GSI2SK: pfxCreated + createdTS,
		Type: TypeJob,
	}
}

func jobStatusKeys(j, status, ts string) keySet {
	return keySet{
		PK: jobPK(j), SK: pfxStatus + ts,
		GSI1PK: pfxStatus + status, GSI1SK: pfxUpdated + ts,
		Type: TypeJobStatus,
	}
}

func jobResourceKeys(j, res string) keySet {
	return keySet{
		PK: jobPK(j), SK: pfxResource + res,
		GSI1PK: gsiResource, GSI1SK: pfxResource + res,
		Type: TypeJobResource,
	}
}

func jobMetricKeys(j, name, ts string) keySet {
	return keySet{
		PK: jobPK(j), SK: pfxMetric + name + sep + ts,
		GSI1PK: pfxMetric + name, GSI1SK: ts,
		GSI2PK: pfxMetric + name, GSI2SK: pfxJob + j + sep + ts,
		Type: TypeJobMetric,
	}
}

func jobCheckpointKeys(j, ts string) keySet {
	return keySet{
		PK: jobPK(j), SK: pfxCheckpoint + ts,
		GSI1PK: gsiCheckpoint, GSI1SK: pfxJob + j + sep + ts,
		Type: TypeJobCheckpoint,
	}
}

func jobLogKeys(j, ts string) keySet {
	return keySet{
		PK: jobPK(j), SK: pfxLog + ts,
		GSI1PK: gsiLog, GSI1SK: pfxJob + j + sep + ts,
		Type: TypeJobLog,
	}
}

// jobDependencyKeys: job a depends on job b.
func jobDependencyKeys(a, b string) keySet {
	return keySet{
		PK: jobPK(a), SK: pfxDependsOn + b,
		GSI1PK: gsiDependency, GSI1SK: pfxDependent + a + sep + "DEPENDENCY#" + b,
		GSI2PK: gsiDependency, GSI2SK: pfxDependedBy + b + sep + pfxDependent + a,
		Type: TypeJobDependency,
	}
}

func instancePK(n string) string { return pfxInstance + n }

func instanceKeys(n, status string) keySet {
	return keySet{
		PK: instancePK(n), SK: TypeInstance,
		GSI1PK: pfxStatus + status, GSI1SK: instancePK(n),
		Type: TypeInstance,
	}
}

func instanceJobKeys(n, j string) keySet {
	return keySet{
		PK: instancePK(n), SK: pfxJob + j,
		GSI1PK: gsiJob, GSI1SK: pfxJob + j + sep + instancePK(n),
		Type: TypeInstanceJob,
	}
}

func queuePK(q string) string { return pfxQueue + q }

func queueKeys(q string) keySet {
	return keySet{
		PK: queuePK(q), SK: TypeQueue,
		GSI1PK: gsiQueue, GSI1SK: queuePK(q),
		Type: TypeQueue,
	}
}

func queueJobKeys(q, j string) keySet {
	return keySet{
		PK: queuePK(q), SK: pfxJob + j,
		GSI1PK: gsiJob, GSI1SK: pfxJob + j + sep + queuePK(q),
		Type: TypeQueueJob,
	}
}

// KeyIDs are the identifiers that the primary key of one item spells. Which
// fields are used depends on Type; the others are zero.
type KeyIDs struct {
	Type    string
	Image   string // image id
	Receipt int
	Line    int
	Word    int
	Letter  int
	Tag     string // unpadded, as stored
	Corner  string // receipt window corner
	Job     string // job id; the dependent job of a dependency
	Other   string // the depended-on job, resource id or (INSTANCE_JOB) job id
	Name    string // metric name, instance id or queue name
	Time    string // timestamp text of statuses, metrics, checkpoints, logs
}

// FormatKey returns the primary key of the item that ids identify.
func FormatKey(ids KeyIDs) (Key, error) {
	var k keySet
	switch ids.Type {
	case TypeImage:
		k = imageKeys(ids.Image)
	case TypeLine:
		k = lineKeys(ids.Image, ids.Line)
	case TypeWord:
		k = wordKeys(ids.Image, ids.Line, ids.Word)
	case TypeLetter:
		k = letterKeys(ids.Image, ids.Line, ids.Word, ids.Letter)
	case TypeWordTag:
		k = wordTagKeys(ids.Image, ids.Line, ids.Word, ids.Tag)
	case TypeReceipt:
		k = receiptKeys(ids.Image, ids.Receipt)
	case TypeReceiptLine:
		k = receiptLineKeys(ids.Image, ids.Receipt, ids.Line)
	case TypeReceiptWord:
		k = receiptWordKeys(ids.Image, ids.Receipt, ids.Line, ids.Word)
	case TypeReceiptLetter:
		k = receiptLetterKeys(ids.Image, ids.Receipt, ids.Line, ids.Word, ids.Letter)
	case TypeReceiptWordTag:
		k = receiptWordTagKeys(ids.Image, ids.Receipt, ids.Line, ids.Word, ids.Tag)
	case TypeReceiptWindow:
		k = receiptWindowKeys(ids.Image, ids.Receipt, ids.Corner)
	case TypeGPTInitialTagging:
		k = gptInitialTaggingKeys(ids.Image, ids.Receipt)
	case TypeGPTValidation:
		k = gptValidationKeys(ids.Image, ids.Receipt)
	case TypeJob:
		k = keySet{PK: jobPK(ids.Job), SK: TypeJob}
	case TypeJobStatus:
		k = keySet{PK: jobPK(ids.Job), SK: pfxStatus + ids.Time}
	case TypeJobResource:
		k = jobResourceKeys(ids.Job, ids.Other)
	case TypeJobMetric:
		k = jobMetricKeys(ids.Job, ids.Name, ids.Time)
	case TypeJobCheckpoint:
		k = jobCheckpointKeys(ids.Job, ids.Time)
	case TypeJobLog:
		k = jobLogKeys(ids.Job, ids.Time)
	case TypeJobDependency:
		k = jobDependencyKeys(ids.Job, ids.Other)
	case TypeInstance:
		k = keySet{PK: instancePK(ids.Name), SK: TypeInstance}
	case TypeInstanceJob:
		k = instanceJobKeys(ids.Name, ids.Other)
	case TypeQueue:
		k = queueKeys(ids.Name)
	case TypeQueueJob:
		k = queueJobKeys(ids.Name, ids.Other)
	default:
		return Key{}, Invalid("Key", "TYPE", "unknown item type", ids.Type)
	}
	return k.Key(), nil
}

// ParseKey returns the identifiers spelled by the primary key of an item of
// type typ. It checks the key's shape (prefixes, separators, five-digit ids,
// tag padding) but not the identifiers' own rules, such as UUID form.
func ParseKey(typ string, k Key) (KeyIDs, error) {
	p := keyParser{typ: typ}
	ids := KeyIDs{Type: typ}
	switch typ {
	case TypeImage, TypeLine, TypeWord, TypeLetter, TypeWordTag, TypeReceipt,
		TypeReceiptLine, TypeReceiptWord, TypeReceiptLetter, TypeReceiptWordTag,
		TypeReceiptWindow, TypeGPTInitialTagging, TypeGPTValidation:
		ids.Image = p.rest(k.PK, pfxImage, "PK")
		p.parseOCRSK(&ids, k.SK)
	case TypeJob, TypeJobStatus, TypeJobResource, TypeJobMetric,
		TypeJobCheckpoint, TypeJobLog, TypeJobDependency:
		ids.Job = p.rest(k.PK, pfxJob, "PK")
		p.parseJobSK(&ids, k.SK)
	case TypeInstance, TypeInstanceJob:
		ids.Name = p.rest(k.PK, pfxInstance, "PK")
		if typ == TypeInstance {
			p.exact(k.SK, TypeInstance)
		} else {
			ids.Other = p.rest(k.SK, pfxJob, "SK")
		}
	case TypeQueue, TypeQueueJob:
		ids.Name = p.rest(k.PK, pfxQueue, "PK")
		if typ == TypeQueue {
			p.exact(k.SK, TypeQueue)
		} else {
			ids.Other = p.rest(k.SK, pfxJob, "SK")
		}
	default:
		return KeyIDs{}, Invalid("Key", "TYPE", "unknown item type", typ)
	}
	if p.err != nil {
		return KeyIDs{}, p.err
	}
	return ids, nil
}

// keyParser reads key text and keeps the first error.
type keyParser struct {
	typ string
	err error
}

func (p *keyParser) fail(attr, rule, value string) {
	if p.err == nil {
		p.err = Invalid(p.typ, attr, rule, strconv.Quote(value))
	}
}

// rest returns what follows prefix in v, which must not be empty.
func (p *keyParser) rest(v, prefix, attr string) string {
	s, ok := strings.CutPrefix(v, prefix)
	if !ok || s == "" {
		p.fail(attr, "must be "+prefix+"<id>", v)
	}
	return s
}

func (p *keyParser) exact(v, want string) {
	if v != want {
		p.fail("SK", "must be "+want, v)
	}
}

// parseOCRSK reads the SK of an item under an image.
func (p *keyParser) parseOCRSK(ids *KeyIDs, sk string) {
	var buf [8]string
	parts := splitKey(sk, &buf)
	next := func(label string) (int, bool) {
		if len(parts) < 2 || parts[0] != label {
			return 0, false
		}
		id, ok := parseID(parts[1])
		if !ok {
			p.fail("SK", label+" id must be 5 digits, 00001..99999", sk)
		}
		parts = parts[2:]
		return id, true
	}
	want := func(n int, tail ...string) {
		if len(parts) != n || strings.Join(parts, sep) != strings.Join(tail, sep) {
			p.fail("SK", "does not match the key of "+p.typ, sk)
		}
	}
	if ids.Type == TypeImage {
		p.exact(sk, TypeImage)
		return
	}
	if strings.HasPrefix(sk, pfxReceipt) {
		ids.Receipt, _ = next("RECEIPT")
		switch ids.Type {
		case TypeReceipt:
			want(0)
			return
		case TypeReceiptWindow:
			if len(parts) != 2 || parts[0] != "RECEIPT_WINDOW" || parts[1] == "" {
				p.fail("SK", "does not match the key of "+p.typ, sk)
				return
			}
			ids.Corner = parts[1]
			return
		case TypeGPTInitialTagging:
			want(2, "QUERY", "INITIAL_TAGGING")
			return
		case TypeGPTValidation:
			want(2, "QUERY", "VALIDATION")
			return
		}
	}
	var okL, okW, okC bool
	ids.Line, okL = next("LINE")
	if len(parts) > 0 && parts[0] == "WORD" {
		ids.Word, okW = next("WORD")
	}
	switch ids.Type {
	case TypeLine, TypeReceiptLine:
		want(0)
		okW = true
	case TypeWord, TypeReceiptWord:
		want(0)
	case TypeLetter, TypeReceiptLetter:
		ids.Letter, okC = next("LETTER")
		if !okC {
			p.fail("SK", "does not match the key of "+p.typ, sk)
		}
		want(0)
	case TypeWordTag, TypeReceiptWordTag:
		if len(parts) != 2 || parts[0] != "TAG" {
			p.fail("SK", "does not match the key of "+p.typ, sk)
			break
		}
		padded := parts[1]
		ids.Tag = strings.TrimLeft(padded, "_")
		if len(padded) != tagWidth || ids.Tag == "" {
			p.fail("SK", "tag must be padded with _ to 40 characters", sk)
		}
	default:
		p.fail("SK", "does not match the key of "+p.typ, sk)
	}
	receiptType := strings.HasPrefix(ids.Type, "RECEIPT")
	if !okL || !okW || receiptType != (ids.Receipt != 0) {
		p.fail("SK", "does not match the key of "+p.typ, sk)
	}
}

// splitKey splits sk at every "#" into buf, which holds the parts of every
// key under an image, and falls back to strings.Split for longer keys.
// Decoding parses a key per item, so the common case allocates nothing.
func splitKey(sk string, buf *[8]string) []string {
	n := 0
	for n < len(buf) {
		i := strings.Index(sk, sep)
		if i < 0 {
			buf[n] = sk
			return buf[:n+1]
		}
		buf[n], sk = sk[:i], sk[i+len(sep):]
		n++
	}
	return append(buf[:n:n], strings.Split(sk, sep)...)
}

// parseJobSK reads the SK of an item under a job.
func (p *keyParser) parseJobSK(ids *KeyIDs, sk string) {
	switch ids.Type {
	case TypeJob:
		p.exact(sk, TypeJob)
	case TypeJobStatus:
		ids.Time = p.rest(sk, pfxStatus, "SK")
	case TypeJobResource:
		ids.Other = p.rest(sk, pfxResource, "SK")
	case TypeJobCheckpoint:
		ids.Time = p.rest(sk, pfxCheckpoint, "SK")
	case TypeJobLog:
		ids.Time = p.rest(sk, pfxLog, "SK")
	case TypeJobDependency:
		ids.Other = p.rest(sk, pfxDependsOn, "SK")
	case TypeJobMetric:
		// The metric name may hold "#"; the timestamp never does.
		rest := p.rest(sk, pfxMetric, "SK")
		i := strings.LastIndex(rest, sep)
		if i <= 0 || i == len(rest)-1 {
			p.fail("SK", "must be METRIC#<name>#<timestamp>", sk)
			return
		}
		ids.Name, ids.Time = rest[:i], rest[i+1:]
	}
}

// parseID reads a five-digit id in 1..99999.
func parseID(s string) (int, bool) {
	if len(s) != idWidth {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n >= 1
}

// idString is used in messages about ids.
func idString(id int) string { return fmt.Sprint(id) }
