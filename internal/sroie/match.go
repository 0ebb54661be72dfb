package sroie

import (
	"slices"
	"strings"
	"time"
	"unicode"

	rd "github.com/receiptdynamo/receiptdynamo"
)

// The tags that key fields become.
const (
	TagCompany = "COMPANY"
	TagDate    = "DATE"
	TagAddress = "ADDRESS"
	TagTotal   = "TOTAL"
)

// fuzzyMin is the shortest reduced value that may match approximately.
const fuzzyMin = 8

// reduced is the receipt's words reduced to upper-case letters and digits
// and joined: text[i] came from words[owner[i]], and glued[i] says that
// text[i] and text[i+1] are digits standing side by side in one word.
type reduced struct {
	text  []rune
	owner []int
	glued []bool
}

func reduce(words []splitWord) reduced {
	var r reduced
	for i, w := range words {
		prevDigit := false // the previous character of the word was a kept digit
		for _, c := range strings.ToUpper(w.text) {
			if !keep(c) {
				prevDigit = false
				continue
			}
			if prevDigit && unicode.IsDigit(c) {
				r.glued[len(r.glued)-1] = true
			}
			r.text = append(r.text, c)
			r.owner = append(r.owner, i)
			r.glued = append(r.glued, false)
			prevDigit = unicode.IsDigit(c)
		}
	}
	return r
}

func keep(c rune) bool { return unicode.IsLetter(c) || unicode.IsDigit(c) }

func reduceText(s string) []rune {
	var out []rune
	for _, c := range strings.ToUpper(s) {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

// span is an occurrence: text[start:end].
type span struct{ start, end int }

// exact returns every occurrence of pat that does not start or end inside a
// run of digits.
func (r reduced) exact(pat []rune) []span {
	var out []span
	for s := 0; s+len(pat) <= len(r.text); s++ {
		if slices.Equal(r.text[s:s+len(pat)], pat) && r.clean(s, s+len(pat)) {
			out = append(out, span{s, s + len(pat)})
		}
	}
	return out
}

// clean reports whether text[s:e] neither starts nor ends inside a run of
// digits: "9.00" occurs in "RM9.00" and "20180428/1912" but not in "19.00".
func (r reduced) clean(s, e int) bool {
	return (s == 0 || !r.glued[s-1]) && !r.glued[e-1]
}

// approx returns the occurrence of pat with the fewest edits (insertions,
// deletions, substitutions), the earliest-ending among equals, if it needs
// at most maxCost edits.
func (r reduced) approx(pat []rune, maxCost int) (span, bool) {
	m := len(pat)
	// cost[i] is the edit distance of pat[:i] to the best text ending at the
	// current position; start[i] is where that text starts.
	cost, start := make([]int, m+1), make([]int, m+1)
	prevCost, prevStart := make([]int, m+1), make([]int, m+1)
	for i := range prevCost {
		prevCost[i] = i
	}
	best, bestSpan := maxCost+1, span{}
	for j, c := range r.text {
		cost[0], start[0] = 0, j+1
		for i := 1; i <= m; i++ {
			sub := prevCost[i-1]
			if pat[i-1] != c {
				sub++
			}
			cost[i], start[i] = sub, prevStart[i-1]
			if d := prevCost[i] + 1; d < cost[i] {
				cost[i], start[i] = d, prevStart[i]
			}
			if d := cost[i-1] + 1; d < cost[i] {
				cost[i], start[i] = d, start[i-1]
			}
		}
		if cost[m] < best {
			best, bestSpan = cost[m], span{start[m], j + 1}
		}
		cost, prevCost = prevCost, cost
		start, prevStart = prevStart, start
	}
	return bestSpan, best <= maxCost
}

// tag matches the key fields to the words and adds the tags.
func (r *Receipt) tag(words []splitWord, key Key, now time.Time) {
	red := reduce(words)
	fields := []struct {
		tag, value string
	}{
		{TagCompany, key.Company}, {TagDate, key.Date},
		{TagAddress, key.Address}, {TagTotal, key.Total},
	}
	tagged := map[int][]string{} // word index -> tags
	for _, f := range fields {
		pat := reduceText(f.value)
		if len(pat) == 0 {
			continue
		}
		spans := red.find(f.tag, pat, words)
		if len(spans) == 0 {
			r.Unmatched = append(r.Unmatched, f.tag)
			continue
		}
		for _, sp := range spans {
			for _, wi := range red.wordsOf(sp) {
				if !slices.Contains(tagged[wi], f.tag) {
					tagged[wi] = append(tagged[wi], f.tag)
				}
			}
		}
	}
	r.applyTags(words, tagged, now)
}

// find returns the occurrences of the field's reduced value that get the
// tag, by the rules of the package documentation.
func (red reduced) find(tag string, pat []rune, words []splitWord) []span {
	spans := red.exact(pat)
	if tag == TagTotal {
		var onTotal []span
		for _, sp := range spans {
			line := words[red.owner[sp.start]].lineText
			if strings.Contains(strings.ToUpper(line), TagTotal) {
				onTotal = append(onTotal, sp)
			}
		}
		if len(onTotal) > 0 || len(spans) == 0 {
			return onTotal
		}
		return spans[len(spans)-1:]
	}
	if len(spans) > 0 {
		return spans[:1]
	}
	if (tag == TagCompany || tag == TagAddress) && len(pat) >= fuzzyMin {
		if sp, ok := red.approx(pat, len(pat)/10); ok {
			return []span{sp}
		}
	}
	return nil
}

// wordsOf returns the indexes of the words that supply characters of sp.
func (red reduced) wordsOf(sp span) []int {
	var out []int
	for i := sp.start; i < sp.end; i++ {
		if w := red.owner[i]; len(out) == 0 || out[len(out)-1] != w {
			out = append(out, w)
		}
	}
	return out
}

// applyTags adds a WordTag per tag and puts the tags in the words' sets.
func (r *Receipt) applyTags(words []splitWord, tagged map[int][]string, now time.Time) {
	idx := make([]int, 0, len(tagged))
	for wi := range tagged {
		idx = append(idx, wi)
	}
	slices.Sort(idx)
	for _, wi := range idx {
		tags := tagged[wi]
		slices.Sort(tags)
		sw := words[wi]
		for i := range r.Words {
			w := &r.Words[i]
			if w.LineID == sw.line && w.ID == sw.word {
				w.Tags = tags
				break
			}
		}
		for _, t := range tags {
			r.Tags = append(r.Tags, rd.WordTag{ImageID: r.Image.ID, LineID: sw.line,
				WordID: sw.word, Tag: t, TimestampAdded: now})
		}
	}
}
