// Package sroie turns receipts of the ICDAR 2019 SROIE data set into the
// entities of the receipt table.
//
// A SROIE folder holds, for each receipt id NNN, box/NNN.csv (one OCR line
// per row: the four corners x1,y1,…,x4,y4 in pixels, clockwise from the top
// left, origin top-left, then the text, which may contain commas) and
// key/NNN.json (the receipt's company, date, address and total), and one
// manifest.tsv with each scan's width, height and SHA-256. [Load] reads one
// receipt; [IDs] lists the receipts of a folder.
//
// # What one receipt becomes
//
//   - An Image whose id is derived from the receipt id (see [ImageID]), with
//     the scan's size and hash from the manifest.
//   - One Line per row, its corners normalised to the image with the origin
//     moved to the bottom left (x/width, 1 - y/height), its bounding box the
//     smallest rectangle around the corners, its angle that of the baseline
//     (bottom-left to bottom-right corner) in normalised coordinates, and
//     confidence 1: the rows are ground truth.
//   - Words and Letters split from each line, which SROIE does not give.
//     The text is split on runs of spaces; every character of the line,
//     spaces included, takes an equal share of the line's top and bottom
//     edges, so a word's corners lie on the line's edges at the offsets of
//     its first and past-its-last characters, and a letter's within its
//     word likewise. This is an approximation (proportional fonts and
//     uneven spacing move the true boxes), and it is marked in the data:
//     such words and letters have confidence [ApproxConfidence], never 1.
//   - One Receipt (id 1) covering the whole image, since each SROIE scan is
//     one receipt, with ReceiptLines, ReceiptWords and ReceiptLetters equal
//     to the image's (the receipt's coordinates are the image's).
//   - Tags COMPANY, DATE, ADDRESS and TOTAL, as WordTags and ReceiptWordTags
//     and in the words' tag sets, on the words that carry the key fields.
//
// # How key fields are matched to words
//
// The words of the receipt, in line order, are reduced to their letters and
// digits, upper-cased, and joined into one string; the key value is reduced
// the same way. A field matches where its reduced value occurs in that
// string, and every word that supplies a character of the occurrence gets
// the tag. Reducing makes spacing and punctuation irrelevant
// ("27,JALAN" matches "27, JALAN"). An occurrence may not start or end
// inside a run of digits of the original text, so the total 9.00 matches
// RM9.00 but not 19.00 or 9.000, and the date 20180428 matches
// 20180428/191204. Numbers are compared as text: the total 43.7 does not
// match 43.70.
//
//   - COMPANY, ADDRESS and DATE tag their first occurrence.
//   - TOTAL tags every occurrence on a line whose text contains TOTAL
//     (case-insensitive), or, when no such line has one, the last
//     occurrence.
//   - When COMPANY or ADDRESS (8 or more reduced characters) does not occur
//     exactly, the closest approximate occurrence is used if its edit
//     distance is at most a tenth of the value's length (OCR errors such as
//     D.T.Y. for D.I.Y.). DATE and TOTAL must occur exactly.
//   - A field with no occurrence, or absent from the key file, gets no tag.
//
// Over the 626 receipts of the training set this tags 623 companies, 623
// dates, 623 addresses and 624 totals (the key file of one has no total).
package sroie
