package stripetest

// Ownership Match scoring.
//
// Financial Connections compares the owner data a platform supplies (the
// input) with the owner data it holds for a bank account (the owner) and
// reports a 0-100 match score per field. The functions below reproduce that
// deterministically so the emulator lands in the documented interpretation
// bands for each kind of difference:
//
//	100    exact (after normalisation: case, punctuation, spacing,
//	       address abbreviations)
//	85-99  very strong: a typo, a few characters missing, an accent in
//	       a name or email (addresses fold accents away entirely)
//	70-84  strong: a majority match (missing middle name, other unit,
//	       neighbouring city, digits appended to an email local part)
//	60-69  possible: nicknames, same local part at another domain, heavy
//	       abbreviations
//	30-59  weak: another member of the household, same street or city
//	0-29   unrelated
//
// Phones use their own bands (see scorePhone). Every scorer returns
// omMissing (-1) when either side carries no usable data, which the
// emulator reports as missing_data: true. Every scorer is symmetric: the
// arguments are put in a canonical order before comparison.

import (
	"math"
	"sort"
	"strings"
	"unicode"
)

// omMissing is the score returned when the input or the owner has no usable
// data for a field (empty, or nothing left after normalisation).
const omMissing = -1

// Size limits that keep scoring cheap on hostile input: words past
// omMaxTokens (omMaxNameToks in a name) and runes past omMaxRunes within a
// word are ignored, as are digits past omMaxDigits in a phone number and
// people past omMaxNameParts in a joint owner name.
const (
	omMaxTokens    = 24
	omMaxRunes     = 48
	omMaxDigits    = 20
	omMaxNameParts = 3
	omMaxNameToks  = 10
)

// addressInput is a structured postal address, the shape both of the
// platform's owner_information[address] and of a parsed raw_address. Every
// field is free text; "" means absent.
type addressInput struct{ Line1, Line2, City, State, PostalCode, Country string }

// ---------------------------------------------------------------------------
// Text normalisation

// omFoldMap maps lower-case precomposed Latin letters to their plain ASCII
// spelling, so that accented and unaccented forms compare equal.
var omFoldMap = func() map[rune]string {
	m := map[rune]string{'æ': "ae", 'œ': "oe", 'ß': "ss", 'þ': "th", 'ĳ': "ij"}
	for base, letters := range map[string]string{
		"a": "àáâãäåāăąǎ",
		"c": "çćĉċč",
		"d": "ďđð",
		"e": "èéêëēĕėęě",
		"g": "ĝğġģ",
		"h": "ĥħ",
		"i": "ìíîïĩīĭįı",
		"j": "ĵ",
		"k": "ķ",
		"l": "ĺļľŀł",
		"n": "ñńņňŉ",
		"o": "òóôõöøōŏőǒ",
		"r": "ŕŗř",
		"s": "śŝşšș",
		"t": "ţťŧț",
		"u": "ùúûüũūŭůűųǔ",
		"w": "ŵ",
		"y": "ýÿŷ",
		"z": "źżž",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// omIsApostrophe reports whether r is an apostrophe-like mark. Apostrophes
// join the letters around them ("O'Brien" is "obrien") where other
// punctuation separates words.
func omIsApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', '`', '´', 'ʼ':
		return true
	}
	return false
}

// omTokenize lower-cases s and splits it into words of letters and digits;
// any other character separates words, except apostrophes, which are
// dropped. With fold, accents are removed (precomposed letters through
// omFoldMap, combining marks dropped); without it combining marks stay in
// the word, which lets callers detect accent-only differences. With
// keepHash, '#' is kept as a word of its own (a unit designator in
// addresses). At most omMaxTokens words of at most omMaxRunes runes are
// returned.
func omTokenize(s string, fold, keepHash bool) []string {
	var toks []string
	var cur strings.Builder
	runes := 0
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, cur.String())
			cur.Reset()
		}
		runes = 0
	}
	write := func(piece string) {
		if runes < omMaxRunes {
			cur.WriteString(piece)
			runes++
		}
	}
	for _, r := range s {
		if len(toks) >= omMaxTokens {
			break
		}
		switch {
		case omIsApostrophe(r):
		case unicode.Is(unicode.Mn, r):
			if !fold && cur.Len() > 0 {
				write(string(r))
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if rep, ok := omFoldMap[r]; ok && fold {
				write(rep)
			} else {
				write(string(r))
			}
		case keepHash && r == '#':
			flush()
			toks = append(toks, "#")
		default:
			flush()
		}
	}
	flush()
	if len(toks) > omMaxTokens {
		toks = toks[:omMaxTokens]
	}
	return toks
}

// omKey is the folded alphanumeric key of s: its words concatenated, so
// that "U.S.A." and "usa" or "94080-1234" and "940801234" share a key.
func omKey(s string) string {
	return strings.Join(omTokenize(s, true, true), "")
}

// omOSA is the optimal-string-alignment edit distance between a and b:
// insertions, deletions, substitutions and transpositions of adjacent
// runes each cost 1.
func omOSA(a, b []rune) int {
	if len(a) == 0 {
		return len(b)
	}
	if len(b) == 0 {
		return len(a)
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// omCharSim is 1 - OSA distance / longer length over the runes of a and b,
// truncated to omMaxRunes*2 runes each: 1 for equal strings, near 0 for
// unrelated ones.
func omCharSim(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 2*omMaxRunes {
		ra = ra[:2*omMaxRunes]
	}
	if len(rb) > 2*omMaxRunes {
		rb = rb[:2*omMaxRunes]
	}
	n := max(len(ra), len(rb))
	if n == 0 {
		return 1
	}
	return 1 - float64(omOSA(ra, rb))/float64(n)
}

// omFirstRune returns the first rune of s, or 0 for "".
func omFirstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

// omRuneLen is the number of runes in s.
func omRuneLen(s string) int { return len([]rune(s)) }

// omHasDigit reports whether s contains an ASCII digit.
func omHasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// omAllDigits reports whether s is non-empty and only ASCII digits.
func omAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// omEqualStrings reports whether a and b hold the same words in order.
func omEqualStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// omFinish turns the similarity of two values that are not equal, in
// [0,1], into a score: rounded and clamped to 0..99, as only equal values
// score 100.
func omFinish(sim float64) int {
	if math.IsNaN(sim) || sim < 0 {
		sim = 0
	}
	return min(99, int(math.Round(sim*100)))
}

// ---------------------------------------------------------------------------
// Names

// omNicknameGroups lists given names and their common short forms. Two
// different names sharing a group are a nickname match.
var omNicknameGroups = [][]string{
	{"jennifer", "jen", "jenn", "jenny", "jennie", "jenni"},
	{"william", "bill", "billy", "will", "willy", "willie", "liam"},
	{"robert", "bob", "bobby", "rob", "robbie", "bert"},
	{"elizabeth", "liz", "lizzie", "beth", "betty", "betsy", "eliza", "libby", "lisa"},
	{"michael", "mike", "mikey", "mick"},
	{"katherine", "catherine", "kathryn", "kate", "katie", "kathy", "cathy", "kat"},
	{"richard", "rick", "ricky", "rich", "dick"},
	{"james", "jim", "jimmy", "jamie"},
	{"john", "jack", "johnny"},
	{"jonathan", "jon", "jonny"},
	{"joseph", "joe", "joey"},
	{"thomas", "tom", "tommy"},
	{"charles", "charlie", "chuck"},
	{"christopher", "chris", "topher"},
	{"christine", "christina", "chris", "tina"},
	{"daniel", "dan", "danny"},
	{"matthew", "matt"},
	{"anthony", "tony"},
	{"andrew", "andy", "drew"},
	{"edward", "ed", "eddie", "ted", "ned"},
	{"margaret", "maggie", "meg", "peggy", "marge"},
	{"patricia", "pat", "patty", "trish"},
	{"patrick", "pat", "paddy"},
	{"alexander", "alex", "sasha"},
	{"alexandra", "alex", "sandra", "sasha"},
	{"benjamin", "ben", "benny"},
	{"samuel", "sam", "sammy"},
	{"samantha", "sam", "sammy"},
	{"nicholas", "nick", "nicky"},
	{"steven", "stephen", "steve"},
	{"susan", "sue", "susie"},
	{"deborah", "debra", "deb", "debbie"},
	{"rebecca", "becky", "becca"},
	{"victoria", "vicky", "tori"},
	{"jessica", "jess", "jessie"},
	{"timothy", "tim", "timmy"},
	{"gregory", "greg"},
	{"kenneth", "ken", "kenny"},
	{"ronald", "ron", "ronnie"},
	{"donald", "don", "donnie"},
	{"david", "dave", "davy"},
	{"peter", "pete"},
	{"frederick", "fred", "freddie"},
	{"abigail", "abby", "gail"},
	{"jacqueline", "jackie"},
	{"theodore", "ted", "teddy", "theo"},
}

// omNicknames maps a name to the indexes of the omNicknameGroups holding it.
var omNicknames = func() map[string][]int {
	m := map[string][]int{}
	for i, g := range omNicknameGroups {
		for _, n := range g {
			m[n] = append(m[n], i)
		}
	}
	return m
}()

// omIsNickname reports whether a and b are different names of one
// nickname group ("jennifer" and "jen").
func omIsNickname(a, b string) bool {
	if a == b {
		return false
	}
	for _, ga := range omNicknames[a] {
		for _, gb := range omNicknames[b] {
			if ga == gb {
				return true
			}
		}
	}
	return false
}

// omNameNoise holds titles and generational suffixes that say nothing about
// who owns an account; they are dropped before names are compared.
var omNameNoise = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "miss": true, "mx": true, "dr": true,
	"prof": true, "sir": true, "jr": true, "sr": true, "ii": true, "iii": true,
	"iv": true, "phd": true, "md": true, "esq": true,
}

// omNameCanon spells business-name suffixes one way.
var omNameCanon = map[string]string{
	"incorporated": "inc", "corporation": "corp", "company": "co",
	"limited": "ltd",
}

// omNameTokens returns the comparison words of a personal or business
// name (see omTokenize), titles dropped unless nothing else is left and
// business suffixes canonicalised; at most omMaxNameToks words.
func omNameTokens(s string, fold bool) []string {
	raw := omTokenize(s, fold, false)
	var out []string
	for _, t := range raw {
		if omNameNoise[t] {
			continue
		}
		if c, ok := omNameCanon[t]; ok {
			t = c
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		out = raw
	}
	if len(out) > omMaxNameToks {
		out = out[:omMaxNameToks]
	}
	return out
}

// Name token similarities, calibrated on the guide's table.
const (
	omNickSim    = 0.65 // a nickname: "jennifer" / "jen"
	omInitialSim = 0.5  // an initial: "j" / "jen"
	omPrefixSim  = 0.6  // a truncation of at least 3 letters: "fred" / "frederica"
	omTypoMin    = 0.6  // below this character similarity words are different
)

// omNameTokenSim scores two name words in [0,1]: equal words 1, nicknames
// omNickSim, an initial against a word with that first letter
// omInitialSim, typos by character similarity (halved when the first
// letters differ, as those usually are different names), anything under
// omTypoMin 0.
func omNameTokenSim(a, b string) float64 {
	if a == b {
		return 1
	}
	if omIsNickname(a, b) {
		return omNickSim
	}
	la, lb := omRuneLen(a), omRuneLen(b)
	if la == 1 || lb == 1 {
		if omFirstRune(a) == omFirstRune(b) {
			return omInitialSim
		}
		return 0
	}
	cs := omCharSim(a, b)
	if omFirstRune(a) != omFirstRune(b) {
		cs /= 2
	}
	if min(la, lb) >= 3 && (strings.HasPrefix(a, b) || strings.HasPrefix(b, a)) {
		cs = max(cs, omPrefixSim)
	}
	if cs < omTypoMin {
		return 0
	}
	return cs
}

// omNameOrderPenalty is taken off names whose matched words appear in
// another order ("Rousseau Jen" for "Jen Rousseau").
const omNameOrderPenalty = 0.05

// omScoreOneName compares two single names. Equal word lists score 100,
// or 97 if they differ only by accents or spacing. Otherwise words are
// paired greedily by omNameTokenSim (best pairs first) and the score is the
// Dice coefficient 2*Σsim/(|a|+|b|), so a missing middle name costs a
// fifth of a three-word name and a nickname a little more.
func omScoreOneName(a, b string) int {
	ta, tb := omNameTokens(a, true), omNameTokens(b, true)
	if len(ta) == 0 || len(tb) == 0 {
		return omMissing
	}
	if omEqualStrings(ta, tb) {
		if omEqualStrings(omNameTokens(a, false), omNameTokens(b, false)) {
			return 100
		}
		return 97 // accents only
	}
	if strings.Join(ta, "") == strings.Join(tb, "") {
		return 97 // spacing only: "JeanLuc" / "Jean Luc"
	}
	type pair struct {
		i, j int
		sim  float64
	}
	var pairs []pair
	for i, x := range ta {
		for j, y := range tb {
			if s := omNameTokenSim(x, y); s > 0 {
				pairs = append(pairs, pair{i, j, s})
			}
		}
	}
	sort.Slice(pairs, func(p, q int) bool {
		if pairs[p].sim != pairs[q].sim {
			return pairs[p].sim > pairs[q].sim
		}
		if pairs[p].i != pairs[q].i {
			return pairs[p].i < pairs[q].i
		}
		return pairs[p].j < pairs[q].j
	})
	usedA := make([]bool, len(ta))
	usedB := make([]bool, len(tb))
	matchOf := make([]int, len(ta))
	for i := range matchOf {
		matchOf[i] = -1
	}
	total := 0.0
	for _, p := range pairs {
		if usedA[p.i] || usedB[p.j] {
			continue
		}
		usedA[p.i], usedB[p.j] = true, true
		matchOf[p.i] = p.j
		total += p.sim
	}
	sim := 2 * total / float64(len(ta)+len(tb))
	last := -1
	for _, j := range matchOf {
		if j < 0 {
			continue
		}
		if j < last {
			sim -= omNameOrderPenalty
			break
		}
		last = j
	}
	return omFinish(sim)
}

// omNameParts splits a joint name ("Jen Rousseau & Laurent Dupont") on
// '&', '/' and ';' into its people, keeping at most omMaxNameParts.
func omNameParts(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '&' || r == '/' || r == ';' })
	if len(parts) > omMaxNameParts {
		parts = parts[:omMaxNameParts]
	}
	return parts
}

// scoreName scores the input name against the owner name, 0-100, or
// omMissing (-1) if either has no letters or digits. Case, punctuation,
// spacing, titles (Mr, Dr, Jr...) are ignored; accents are folded (an
// accent-only difference scores 97). A typo in one word of three lands in
// 85-99, a missing middle name in 70-84, a nickname with a missing middle
// name in 60-69, a relative (same last name, another first name) in 30-59,
// an unrelated name under 30. A joint name ("A & B") matches its best
// member.
func scoreName(input, owner string) int {
	if input > owner {
		input, owner = owner, input
	}
	best := omScoreOneName(input, owner)
	if best == omMissing {
		return omMissing
	}
	pa, pb := omNameParts(input), omNameParts(owner)
	if len(pa) < 2 && len(pb) < 2 {
		return best
	}
	xs := append([]string{input}, pa...)
	ys := append([]string{owner}, pb...)
	for _, x := range xs {
		for _, y := range ys {
			best = max(best, omScoreOneName(x, y))
		}
	}
	return best
}

// ---------------------------------------------------------------------------
// Emails

// omEmailDomainAlias maps mail domains to the domain they are an alias of.
var omEmailDomainAlias = map[string]string{"googlemail.com": "gmail.com"}

// omSplitEmail lower-cases an address, folds its accents if fold, and
// splits it at its last '@' into local part and domain (domain "" without
// '@'). Spaces, a "mailto:" prefix and trailing dots of the domain are
// dropped.
func omSplitEmail(s string, fold bool) (local, domain string) {
	var b strings.Builder
	for _, r := range s {
		r = unicode.ToLower(r)
		switch rep, ok := omFoldMap[r]; {
		case unicode.IsSpace(r):
		case fold && ok:
			b.WriteString(rep)
		case fold && unicode.Is(unicode.Mn, r):
		default:
			b.WriteRune(r)
		}
	}
	e := strings.TrimPrefix(b.String(), "mailto:")
	at := strings.LastIndexByte(e, '@')
	if at < 0 {
		return e, ""
	}
	domain = strings.TrimRight(e[at+1:], ".")
	if a, ok := omEmailDomainAlias[domain]; ok {
		domain = a
	}
	return e[:at], domain
}

// omEmailLocalLoose strips what mail providers commonly ignore in a local
// part: dots, underscores, hyphens and a "+tag" suffix.
func omEmailLocalLoose(s string) string {
	if i := strings.IndexByte(s, '+'); i > 0 {
		s = s[:i]
	}
	return strings.NewReplacer(".", "", "_", "", "-", "").Replace(s)
}

// Email local-part similarities.
const (
	omLocalLooseSim  = 0.9  // equal but for separators or a +tag
	omLocalDigitsSim = 0.72 // equal but for appended digits
)

// omEmailLocalSim compares two local parts in [0,1]: equal 1; equal once
// separators are ignored omLocalLooseSim; equal once trailing digits are
// dropped at least omLocalDigitsSim; otherwise character similarity.
func omEmailLocalSim(a, b string) float64 {
	if a == b {
		return 1
	}
	la, lb := omEmailLocalLoose(a), omEmailLocalLoose(b)
	if la == lb {
		return omLocalLooseSim
	}
	sim := omCharSim(la, lb)
	da, db := strings.TrimRight(la, "0123456789"), strings.TrimRight(lb, "0123456789")
	if da == db && da != "" {
		sim = max(sim, omLocalDigitsSim)
	}
	return max(sim, 0)
}

// scoreEmail scores the input email against the owner's, 0-100, or
// omMissing (-1) if either is blank. Case and spaces are ignored, accents
// folded (an accent-only difference scores 97). Local part and domain are compared separately: on the same
// domain the score is 30 + 70 x local similarity (separators in the local
// part "jen.rousseau" 93, appended digits 80, another person at the same
// company about 30-59); on a near-identical domain (a typo) 85 x local
// similarity; on another domain 65 x local similarity (the same local part
// elsewhere is a possible match, 65).
func scoreEmail(input, owner string) int {
	if input > owner {
		input, owner = owner, input
	}
	if strings.TrimSpace(input) == "" || strings.TrimSpace(owner) == "" {
		return omMissing
	}
	la, da := omSplitEmail(input, true)
	lb, db := omSplitEmail(owner, true)
	if la == "" && da == "" || lb == "" && db == "" {
		return omMissing
	}
	if la == lb && da == db {
		ra, rda := omSplitEmail(input, false)
		rb, rdb := omSplitEmail(owner, false)
		if ra == rb && rda == rdb {
			return 100
		}
		return 97 // accents only
	}
	local := omEmailLocalSim(la, lb)
	switch {
	case da == db:
		return omFinish(0.30 + 0.70*local)
	case da != "" && db != "" && omCharSim(da, db) >= 0.8:
		return omFinish(0.85 * local)
	default:
		return omFinish(0.65 * local)
	}
}

// ---------------------------------------------------------------------------
// Phones

// omPhoneDigits reduces a phone number to its digits: formatting is
// dropped, an extension (letters after at least 7 digits, as in "x12" or
// "ext. 12") is cut, and the North American country code is removed from
// 11-digit numbers starting with 1 ("+1 212-555-5555" is "2125555555").
func omPhoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if b.Len() < omMaxDigits {
				b.WriteRune(r)
			}
		case unicode.IsLetter(r) && b.Len() >= 7:
			goto done
		}
	}
done:
	d := b.String()
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	return d
}

// omSubscriberDigits is the length of a subscriber number: the last seven
// digits of a number; the digits before them are its area code (with the
// country code of an international number).
const omSubscriberDigits = 7

// scorePhone scores the input phone number against the owner's, 0-100, or
// omMissing (-1) if either has no digits. Numbers are compared as digits
// (see omPhoneDigits), so formatting never matters, and the score depends
// on the kind of difference only, never on which digits are involved (the
// rows of the guide's phone table):
//
//	100    same number
//	90     one digit wrong, missing or extra, or two neighbours swapped,
//	       anywhere except a change confined to the area code
//	72     two such differences in the subscriber number (same area code),
//	       or two digits missing or extra
//	60     same subscriber number, other area code (of the same length, or
//	       none on one side)
//	50     other area code and one digit off in the subscriber number
//	25-39  same area code, other subscriber number (more for closer ones)
//	0-19   nothing of the above
func scorePhone(input, owner string) int {
	if input > owner {
		input, owner = owner, input
	}
	a, b := omPhoneDigits(input), omPhoneDigits(owner)
	if a == "" || b == "" {
		return omMissing
	}
	if a == b {
		return 100
	}
	const n = omSubscriberDigits
	short := min(len(a), len(b))
	// The same subscriber number behind two area codes, or behind one and
	// none: whatever the area codes' digits, that is the "other area code"
	// row. (Area codes of different lengths are a digit missing or extra.)
	if short >= n && a[len(a)-n:] == b[len(b)-n:] && (len(a) == len(b) || short == n) {
		return 60
	}
	d := omOSA([]rune(a), []rune(b))
	if d == 1 {
		return 90
	}
	if len(a) == len(b) && len(a) >= n {
		p := len(a) - n
		sub := omOSA([]rune(a[p:]), []rune(b[p:]))
		switch {
		case a[:p] != b[:p]:
			if sub == 1 {
				return 50
			}
		case sub == 2:
			return 72
		case p >= 3:
			// Same area code, another subscriber number (sub >= 3 here).
			return 25 + int(math.Round(14*float64(n-sub)/float64(n-3)))
		}
	} else if d == 2 {
		return 72
	}
	sim := 1 - float64(d)/float64(max(len(a), len(b)))
	return min(19, int(math.Round(19*max(sim, 0))))
}

// ---------------------------------------------------------------------------
// Addresses: vocabulary

// omAddrCanon maps spelled-out address words to the abbreviation used for
// comparison (USPS style): suffixes, directionals, unit designators and a
// few words common in street and city names.
var omAddrCanon = map[string]string{
	"street": "st", "str": "st", "avenue": "ave", "av": "ave", "aven": "ave",
	"boulevard": "blvd", "boul": "blvd", "road": "rd", "drive": "dr",
	"lane": "ln", "court": "ct", "place": "pl", "parkway": "pkwy",
	"pky": "pkwy", "highway": "hwy", "terrace": "ter", "circle": "cir",
	"square": "sq", "trail": "trl", "plaza": "plz", "alley": "aly",
	"expressway": "expy", "freeway": "fwy", "crescent": "cres",
	"point": "pt", "center": "ctr", "centre": "ctr", "mount": "mt",
	"fort": "ft", "saint": "st", "route": "rte",
	"north": "n", "south": "s", "east": "e", "west": "w",
	"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
	"floor": "fl", "flr": "fl", "apartment": "apt", "suite": "ste",
	"room": "rm", "building": "bldg", "department": "dept", "office": "ofc",
	"space": "spc",
}

// omCanonAddrWord returns the canonical spelling of an address word.
func omCanonAddrWord(w string) string {
	if c, ok := omAddrCanon[w]; ok {
		return c
	}
	return w
}

// omStreetSuffixes holds canonical street suffixes; they are minor words
// when street names are compared (see omStreetCosts).
var omStreetSuffixes = map[string]bool{
	"st": true, "ave": true, "blvd": true, "rd": true, "dr": true, "ln": true,
	"ct": true, "pl": true, "pkwy": true, "hwy": true, "ter": true, "cir": true,
	"sq": true, "trl": true, "plz": true, "aly": true, "expy": true, "fwy": true,
	"cres": true, "way": true, "loop": true, "row": true,
}

// omParseSuffixes holds the suffixes that reliably end line 1 when a raw
// address is split: omStreetSuffixes minus "Row", which also ends place
// names.
var omParseSuffixes = func() map[string]bool {
	m := map[string]bool{}
	for k := range omStreetSuffixes {
		if k != "row" {
			m[k] = true
		}
	}
	return m
}()

// omDirectionals holds canonical compass directions; they are minor words
// in street names.
var omDirectionals = map[string]bool{
	"n": true, "s": true, "e": true, "w": true,
	"ne": true, "nw": true, "se": true, "sw": true,
}

// omUnitDesignators holds canonical words introducing a unit (line 2).
var omUnitDesignators = map[string]bool{
	"fl": true, "apt": true, "ste": true, "rm": true, "bldg": true,
	"dept": true, "unit": true, "#": true, "lot": true, "spc": true, "ofc": true,
}

// omIsUnitWord reports whether a folded word key starts a unit: a
// designator, or '#' glued to its number ("#5").
func omIsUnitWord(key string) bool {
	return omUnitDesignators[omCanonAddrWord(key)] || len(key) > 1 && key[0] == '#'
}

// omUSStates maps the folded names of US states, DC and territories to
// their postal codes.
var omUSStates = map[string]string{
	"alabama": "al", "alaska": "ak", "arizona": "az", "arkansas": "ar",
	"california": "ca", "colorado": "co", "connecticut": "ct", "delaware": "de",
	"districtofcolumbia": "dc", "florida": "fl", "georgia": "ga", "hawaii": "hi",
	"idaho": "id", "illinois": "il", "indiana": "in", "iowa": "ia",
	"kansas": "ks", "kentucky": "ky", "louisiana": "la", "maine": "me",
	"maryland": "md", "massachusetts": "ma", "michigan": "mi", "minnesota": "mn",
	"mississippi": "ms", "missouri": "mo", "montana": "mt", "nebraska": "ne",
	"nevada": "nv", "newhampshire": "nh", "newjersey": "nj", "newmexico": "nm",
	"newyork": "ny", "northcarolina": "nc", "northdakota": "nd", "ohio": "oh",
	"oklahoma": "ok", "oregon": "or", "pennsylvania": "pa", "rhodeisland": "ri",
	"southcarolina": "sc", "southdakota": "sd", "tennessee": "tn", "texas": "tx",
	"utah": "ut", "vermont": "vt", "virginia": "va", "washington": "wa",
	"westvirginia": "wv", "wisconsin": "wi", "wyoming": "wy",
	"puertorico": "pr", "guam": "gu", "virginislands": "vi",
	"americansamoa": "as", "northernmarianaislands": "mp",
}

// omCAProvinces maps the folded names of Canadian provinces and territories
// to their postal codes.
var omCAProvinces = map[string]string{
	"alberta": "ab", "britishcolumbia": "bc", "manitoba": "mb",
	"newbrunswick": "nb", "newfoundlandandlabrador": "nl", "newfoundland": "nl",
	"novascotia": "ns", "northwestterritories": "nt", "nunavut": "nu",
	"ontario": "on", "princeedwardisland": "pe", "quebec": "qc",
	"saskatchewan": "sk", "yukon": "yt",
}

// omRegionCountry maps every state and province code to its country code.
var omRegionCountry = func() map[string]string {
	m := map[string]string{}
	for _, c := range omUSStates {
		m[c] = "us"
	}
	for _, c := range omCAProvinces {
		m[c] = "ca"
	}
	return m
}()

// omRegionCode returns the code of a state or province given by code or
// folded name key, and whether it is known.
func omRegionCode(key string) (string, bool) {
	if _, ok := omRegionCountry[key]; ok {
		return key, true
	}
	if c, ok := omUSStates[key]; ok {
		return c, true
	}
	if c, ok := omCAProvinces[key]; ok {
		return c, true
	}
	return key, false
}

// omCountries maps folded country keys to ISO 3166 alpha-2 codes (lower
// case) for the countries Financial Connections serves and their
// neighbours.
var omCountries = map[string]string{
	"us": "us", "usa": "us", "unitedstates": "us", "unitedstatesofamerica": "us",
	"america": "us", "ca": "ca", "can": "ca", "canada": "ca",
	"mx": "mx", "mex": "mx", "mexico": "mx", "gb": "gb", "uk": "gb",
	"unitedkingdom": "gb", "greatbritain": "gb",
}

// omAmbiguousCountries are country keys that are also common words; they
// are read as a country only right after a postal code or in a part of
// their own.
var omAmbiguousCountries = map[string]bool{"us": true, "can": true, "america": true}

// omRegionCountries are country keys that are also state codes ("CA" is
// California); they are read as a country only after a postal code or a
// state ("Toronto, ON, CA"), never after a city ("San Francisco, CA").
var omRegionCountries = map[string]bool{"ca": true}

// omPostalKind classifies a folded postal key: 'u' for a US ZIP (5 or 9
// digits), 'c' for a Canadian code (A1A1A1), 0 otherwise.
func omPostalKind(key string) byte {
	if omAllDigits(key) && (len(key) == 5 || len(key) == 9) {
		return 'u'
	}
	if len(key) == 6 && omLDL(key[:3]) && omDLD(key[3:]) {
		return 'c'
	}
	return 0
}

// omLDL reports whether s is letter-digit-letter (the first half of a
// Canadian postal code).
func omLDL(s string) bool {
	return len(s) == 3 && omASCIILetter(s[0]) && omASCIIDigit(s[1]) && omASCIILetter(s[2])
}

// omDLD reports whether s is digit-letter-digit (the second half of a
// Canadian postal code).
func omDLD(s string) bool {
	return len(s) == 3 && omASCIIDigit(s[0]) && omASCIILetter(s[1]) && omASCIIDigit(s[2])
}

// omASCIILetter reports whether c is a lower-case ASCII letter.
func omASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' }

// omASCIIDigit reports whether c is an ASCII digit.
func omASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }

// ---------------------------------------------------------------------------
// Addresses: parsing raw_address

// omWord is one whitespace-separated word of a raw address.
type omWord struct {
	text string // as written, surrounding brackets and quotes trimmed
	key  string // omKey of the word
	part int    // index of the comma-separated part holding it
}

// omCityPrefixes are words that begin multi-word city names ("San",
// "South", "New"...). When no street suffix tells where line 1 ends, the
// city is taken to be the last word plus any of these before it.
var omCityPrefixes = map[string]bool{
	"san": true, "santa": true, "santo": true, "south": true, "north": true,
	"east": true, "west": true, "new": true, "los": true, "las": true,
	"la": true, "le": true, "el": true, "del": true, "de": true, "saint": true,
	"st": true, "ste": true, "fort": true, "ft": true, "port": true,
	"mount": true, "mt": true, "lake": true, "palm": true, "grand": true,
	"great": true, "little": true, "old": true, "upper": true, "lower": true,
	"cape": true, "salt": true, "long": true, "glen": true, "rio": true,
	"baton": true, "sioux": true, "twin": true, "daly": true, "redwood": true,
	"eau": true, "coral": true, "cedar": true, "big": true,
}

// omCitySuffixes are words that end multi-word city names ("Redwood City",
// "Long Beach"); the word before them is part of the city.
var omCitySuffixes = map[string]bool{
	"city": true, "beach": true, "park": true, "springs": true, "falls": true,
	"heights": true, "hills": true, "valley": true, "village": true,
	"lake": true, "creek": true, "grove": true, "island": true, "harbor": true,
	"harbour": true, "junction": true, "rapids": true, "vista": true,
	"gardens": true, "haven": true, "ridge": true, "bay": true, "town": true,
}

// omMaxRawWords bounds the words of a raw address considered by
// parseRawAddress.
const omMaxRawWords = 48

// omRawWords splits a raw address into words, remembering which
// comma-, semicolon- or line-separated part each came from. Words with no
// letter, digit or '#' are dropped.
func omRawWords(raw string) []omWord {
	parts := strings.FieldsFunc(raw, func(r rune) bool {
		return r == ',' || r == ';' || r == '\n' || r == '\r'
	})
	var ws []omWord
	for pi, p := range parts {
		for _, f := range strings.Fields(p) {
			if len(ws) >= omMaxRawWords {
				return ws
			}
			k := omKey(f)
			if k == "" {
				continue
			}
			ws = append(ws, omWord{text: strings.Trim(f, "()[]{}\"'"), key: k, part: pi})
		}
	}
	return ws
}

// omJoinWords joins the written text of ws with single spaces.
func omJoinWords(ws []omWord) string {
	texts := make([]string, len(ws))
	for i, w := range ws {
		texts[i] = w.text
	}
	return strings.Join(texts, " ")
}

// omPartStart reports whether ws[i] begins a comma-separated part.
func omPartStart(ws []omWord, i int) bool { return i == 0 || ws[i-1].part != ws[i].part }

// omSamePart reports whether ws all come from one comma-separated part.
func omSamePart(ws []omWord) bool {
	for i := 1; i < len(ws); i++ {
		if ws[i].part != ws[0].part {
			return false
		}
	}
	return true
}

// omJoinKeys concatenates the keys of ws.
func omJoinKeys(ws []omWord) string {
	var b strings.Builder
	for _, w := range ws {
		b.WriteString(w.key)
	}
	return b.String()
}

// omIsUpper reports whether s has letters and all of them are upper case.
func omIsUpper(s string) bool {
	seen := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			seen = true
		}
	}
	return seen
}

// omTakePostal recognises a postal code ending ws and returns it (upper
// case, Canadian codes as "A1A 1A1") with the number of words it used.
func omTakePostal(ws []omWord) (string, int) {
	n := len(ws)
	if n == 0 {
		return "", 0
	}
	last := ws[n-1]
	switch {
	case omPostalKind(last.key) == 'u':
		return last.text, 1
	case omPostalKind(last.key) == 'c':
		k := strings.ToUpper(last.key)
		return k[:3] + " " + k[3:], 1
	case n >= 2 && omDLD(last.key) && omLDL(ws[n-2].key) && ws[n-2].part == last.part:
		return strings.ToUpper(ws[n-2].key + " " + last.key), 2
	}
	return "", 0
}

// omTakeCountry recognises a country name ending ws and returns its
// upper-case ISO code with the number of words it used. Ambiguous names
// (see omAmbiguousCountries) need a postal code or a part boundary before
// them.
func omTakeCountry(ws []omWord) (string, int) {
	n := len(ws)
	for l := min(4, n); l >= 1; l-- {
		phrase := ws[n-l:]
		if !omSamePart(phrase) {
			continue
		}
		key := omJoinKeys(phrase)
		code, ok := omCountries[key]
		if !ok {
			continue
		}
		start := n - l
		_, postalBefore := omTakePostal(ws[:start])
		switch {
		case omRegionCountries[key]:
			if _, stateBefore := omTakeState(ws[:start], false); postalBefore == 0 && stateBefore == 0 {
				continue
			}
		case omAmbiguousCountries[key]:
			if postalBefore == 0 && !omPartStart(ws, start) {
				continue
			}
		}
		return strings.ToUpper(code), l
	}
	return "", 0
}

// omTakeState recognises a state or province ending ws and returns its
// upper-case code with the number of words it used. A two-letter code is
// accepted before a postal code, at the start of a part, or written in
// capitals; a spelled-out name before a postal code or as a part of its
// own.
func omTakeState(ws []omWord, havePostal bool) (string, int) {
	n := len(ws)
	if n == 0 {
		return "", 0
	}
	last := ws[n-1]
	if _, ok := omRegionCountry[last.key]; ok {
		if havePostal || omPartStart(ws, n-1) || omIsUpper(last.text) {
			return strings.ToUpper(last.key), 1
		}
	}
	for l := min(4, n); l >= 1; l-- {
		phrase := ws[n-l:]
		if !omSamePart(phrase) {
			continue
		}
		key := omJoinKeys(phrase)
		if len(key) <= 2 {
			continue
		}
		code, ok := omRegionCode(key)
		if ok && (havePostal || omPartStart(ws, n-l)) {
			return strings.ToUpper(code), l
		}
	}
	return "", 0
}

// omSplitLine splits the words of one part of a raw address holding
// "line1 [line2] city" with no comma between them. In order of preference
// line 1 ends before the first unit designator ("Fl 1", "Apt 5", "#200",
// which with the word after it is line 2), or after the first street
// suffix that follows a name word (with an abbreviated direction after it:
// "Main St N"); otherwise the city is the last word and any city-name
// prefix or suffix words around it ("South San Francisco", "Redwood City").
func omSplitLine(ws []omWord) (line1, line2, city []omWord) {
	n := len(ws)
	for k := 1; k < n; k++ {
		if !omIsUnitWord(ws[k].key) {
			continue
		}
		u := k + 1
		if omUnitDesignators[omCanonAddrWord(ws[k].key)] && u < n {
			u++
		}
		return ws[:k], ws[k:u], ws[u:]
	}
	named := false
	for k := 0; k < n; k++ {
		if named && omParseSuffixes[omCanonAddrWord(ws[k].key)] {
			e := k + 1
			if e+1 < n && omDirectionals[ws[e].key] {
				e++
			}
			return ws[:e], nil, ws[e:]
		}
		if !omAllDigits(ws[k].key) {
			named = true
		}
	}
	if n == 0 {
		return nil, nil, nil
	}
	c := n - 1
	if omHasDigit(ws[c].key) {
		return ws, nil, nil
	}
	for c > 0 && !omHasDigit(ws[c-1].key) &&
		(omCityPrefixes[ws[c-1].key] || omCitySuffixes[ws[c].key]) {
		c--
	}
	return ws[:c], nil, ws[c:]
}

// parseRawAddress splits a single-line owner address as Financial
// Connections reports it (raw_address), US style:
//
//	"line1 [line2] city, ST zip [country]"
//
// e.g. "354 Oyster Point Blvd Fl 1 South San Francisco, CA 94080 USA".
// It reads from the end: a country (US, USA, United States, Canada...;
// returned as its ISO code), a postal code (ZIP, ZIP+4, or Canadian
// "M5J 2P1"), a state or province (returned as its upper-case code), then
// splits the rest into line 1, line 2 and city, using commas when there
// are some and omSplitLine otherwise. Missing parts are left "".
func parseRawAddress(raw string) addressInput {
	var a addressInput
	ws := omRawWords(raw)
	end := len(ws)
	if c, l := omTakeCountry(ws[:end]); l > 0 {
		a.Country = c
		end -= l
	}
	if p, l := omTakePostal(ws[:end]); l > 0 {
		a.PostalCode = p
		end -= l
	}
	if s, l := omTakeState(ws[:end], a.PostalCode != ""); l > 0 {
		a.State = s
		end -= l
	}
	ws = ws[:end]
	var groups [][]omWord
	for i := 0; i < len(ws); i++ {
		if omPartStart(ws, i) {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], ws[i])
	}
	var line1, line2, city []omWord
	switch len(groups) {
	case 0:
	case 1:
		line1, line2, city = omSplitLine(groups[0])
	default:
		first, last := groups[0], groups[len(groups)-1]
		line1 = first
		for k := 1; k < len(first); k++ {
			if omIsUnitWord(first[k].key) {
				line1, line2 = first[:k], first[k:]
				break
			}
		}
		for _, g := range groups[1 : len(groups)-1] {
			line2 = append(line2, g...)
		}
		city = last
		if omIsUnitWord(last[0].key) {
			u := 1
			if omUnitDesignators[omCanonAddrWord(last[0].key)] && len(last) > 1 {
				u = 2
			}
			line2 = append(line2, last[:u]...)
			city = last[u:]
		}
	}
	a.Line1, a.Line2, a.City = omJoinWords(line1), omJoinWords(line2), omJoinWords(city)
	return a
}

// ---------------------------------------------------------------------------
// Addresses: scoring

// omAddr is an address normalised for comparison: folded, lower-case,
// canonical abbreviations, unit split from the street, country inferred
// from the state or postal code when absent.
type omAddr struct {
	number  string   // house number ("354"), "" if none
	street  []string // street words after the number
	unitDes string   // unit designator ("fl", "apt"; "" for '#', "unit" or none)
	unitID  string   // unit identifier ("1", "5b")
	hasUnit bool     // whether a unit (line 2) was given
	city    []string // city words
	state   string   // state or province code, or its folded key
	postal  string   // postal key (US ZIP+4 cut to 5 digits)
	pkind   byte     // omPostalKind of postal
	country string   // ISO code or folded key, inferred when possible
	empty   bool     // nothing at all was given
}

// omAddrWords tokenises an address line and canonicalises its words.
func omAddrWords(s string) []string {
	t := omTokenize(s, true, true)
	for i, w := range t {
		t[i] = omCanonAddrWord(w)
	}
	return t
}

// omNormAddress normalises a structured address for comparison.
func omNormAddress(in addressInput) omAddr {
	var a omAddr
	l1, l2 := omAddrWords(in.Line1), omAddrWords(in.Line2)
	if len(l1) == 0 && len(l2) > 0 && !omUnitDesignators[l2[0]] {
		l1, l2 = l2, nil // street given as line 2
	}
	if len(l2) == 0 {
		for k := 1; k < len(l1); k++ {
			if omUnitDesignators[l1[k]] {
				l1, l2 = l1[:k], l1[k:]
				break
			}
		}
	}
	if len(l1) > 0 && omHasDigit(l1[0]) {
		a.number, l1 = l1[0], l1[1:]
	}
	a.street = l1
	if len(l2) > 0 {
		a.hasUnit = true
		if omUnitDesignators[l2[0]] {
			a.unitDes, l2 = l2[0], l2[1:]
			if a.unitDes == "#" || a.unitDes == "unit" {
				a.unitDes = "" // generic designators
			}
		}
		a.unitID = strings.Join(l2, "")
	}
	a.city = omAddrWords(in.City)
	a.state, _ = omRegionCode(omKey(in.State))
	a.postal = omKey(in.PostalCode)
	a.pkind = omPostalKind(a.postal)
	if a.pkind == 'u' {
		a.postal = a.postal[:5]
	}
	ck := omKey(in.Country)
	if c, ok := omCountries[ck]; ok {
		ck = c
	}
	if ck == "" {
		switch {
		case a.pkind == 'u':
			ck = "us"
		case a.pkind == 'c':
			ck = "ca"
		default:
			ck = omRegionCountry[a.state]
		}
	}
	a.country = ck
	a.empty = a.number == "" && len(a.street) == 0 && !a.hasUnit && len(a.city) == 0 &&
		a.state == "" && a.postal == "" && omKey(in.Country) == ""
	return a
}

// omSameAddr reports whether two normalised addresses are identical.
func omSameAddr(a, b omAddr) bool {
	return a.number == b.number && omEqualStrings(a.street, b.street) &&
		a.hasUnit == b.hasUnit && a.unitDes == b.unitDes && a.unitID == b.unitID &&
		omEqualStrings(a.city, b.city) && a.state == b.state && a.postal == b.postal &&
		a.country == b.country
}

// omSeqCosts prices the edits omSeqPenalty finds between two word
// sequences, in score points.
type omSeqCosts struct {
	word      float64           // a word missing on one side
	minor     float64           // a minor word missing, or replaced by another minor word
	abbrev    float64           // per word abbreviated to its initial ("OP" for "Oyster Point")
	typoScale float64           // a misspelt word costs (1 - character similarity) x this
	isMinor   func(string) bool // which words are minor (nil: none)
}

// omStreetCosts prices street-name edits: suffixes and directions are
// minor (often dropped: "Oyster Point" / "Oyster Point Blvd" costs 10), a
// missing word 30, initials 15 a word ("OP Blvd" costs 30), a typo up to
// 15.
var omStreetCosts = omSeqCosts{word: 30, minor: 10, abbrev: 15, typoScale: 60, isMinor: omIsMinorStreetWord}

// omCityCosts prices city-name edits: a missing word 22 ("San Francisco" /
// "South San Francisco", a neighbouring city), initials 15 a word ("South
// SF" costs 30), a typo up to 15.
var omCityCosts = omSeqCosts{word: 22, abbrev: 15, typoScale: 60}

// omIsMinorStreetWord reports whether w is a street suffix or direction.
func omIsMinorStreetWord(w string) bool { return omStreetSuffixes[w] || omDirectionals[w] }

// Typo detection in omSeqPenalty and omMaxAbbrev, the longest run of words
// an abbreviation may stand for.
const (
	omTypoMinSim = 0.75 // character similarity for two words to be one misspelt
	omTypoMinLen = 4    // shorter words are never typos of each other
	omMaxAbbrev  = 6
)

// omInitials returns the first letters of ws, concatenated.
func omInitials(ws []string) string {
	var b strings.Builder
	for _, w := range ws {
		b.WriteRune(omFirstRune(w))
	}
	return b.String()
}

// omSeqPenalty is the cheapest alignment of two word sequences under c:
// words may be kept (free when equal), dropped from either side, replaced
// by a misspelling, replaced (minor words) by another minor word, or
// stand for the initials of a run of words on the other side. It is 0 for
// equal sequences and grows with each difference.
func omSeqPenalty(a, b []string, c omSeqCosts) float64 {
	minor := func(w string) bool { return c.isMinor != nil && c.isMinor(w) }
	drop := func(w string) float64 {
		if minor(w) {
			return c.minor
		}
		return c.word
	}
	d := make([][]float64, len(a)+1)
	for i := range d {
		d[i] = make([]float64, len(b)+1)
	}
	for i := 1; i <= len(a); i++ {
		d[i][0] = d[i-1][0] + drop(a[i-1])
	}
	for j := 1; j <= len(b); j++ {
		d[0][j] = d[0][j-1] + drop(b[j-1])
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			x, y := a[i-1], b[j-1]
			best := min(d[i-1][j]+drop(x), d[i][j-1]+drop(y))
			switch {
			case x == y:
				best = min(best, d[i-1][j-1])
			case minor(x) && minor(y):
				best = min(best, d[i-1][j-1]+c.minor)
			case min(omRuneLen(x), omRuneLen(y)) >= omTypoMinLen:
				if cs := omCharSim(x, y); cs >= omTypoMinSim {
					best = min(best, d[i-1][j-1]+(1-cs)*c.typoScale)
				}
			}
			// x abbreviates b[j-l:j], or y abbreviates a[i-l:i].
			for l := 2; l <= omMaxAbbrev; l++ {
				if l <= j && omRuneLen(x) == l && omInitials(b[j-l:j]) == x {
					best = min(best, d[i-1][j-l]+c.abbrev*float64(l))
				}
				if l <= i && omRuneLen(y) == l && omInitials(a[i-l:i]) == y {
					best = min(best, d[i-l][j-1]+c.abbrev*float64(l))
				}
			}
			d[i][j] = best
		}
	}
	return d[len(a)][len(b)]
}

// Address severities: the score an address gets when the named
// difference is its only one.
const (
	omSevOtherPlace    = 45 // another street, or another city: same area at best
	omSevNeighbour     = 50 // same street, other house number
	omSevNoStreet      = 50 // line 1 given on one side only
	omSevNumberMissing = 80 // house number given on one side only
	omSevNumberTypo    = 12 // penalty for a house number one edit off
	omSevUnitMissing   = 94 // line 2 given on one side only
	omSevUnitDesig     = 95 // same unit number, other designator ("Ste 1" / "Fl 1")
	omSevUnitOther     = 82 // other unit number, same designator ("Fl 1" / "Fl 10")
	omSevUnitDiffer    = 75 // other unit altogether
	omSevCityMissing   = 80 // city given on one side only
	omSevStateMissing  = 90 // state given on one side only
	omSevStateOther    = 35 // another state
	omSevPostalMissing = 85 // postal code given on one side only
	omSevPostalArea    = 80 // same ZIP3 / Canadian FSA
	omSevPostalRegion  = 65 // same first 2 ZIP digits (94080 / 94103)
	omSevPostalOther   = 50 // another postal code
	omSevCountryOther  = 10 // another country
)

// omAddrDamping is the share of each difference beyond the worst one that
// is taken off an address score.
const omAddrDamping = 0.1

// omStreetSeverity rates line 1 (house number and street name), and
// reports whether it was given on either side. A different house number
// is another building on the same street (omSevNeighbour at best); a
// different street scores omSevOtherPlace.
func omStreetSeverity(a, b omAddr) (sev float64, given bool) {
	hasA := a.number != "" || len(a.street) > 0
	hasB := b.number != "" || len(b.street) > 0
	switch {
	case !hasA && !hasB:
		return 0, false
	case !hasA || !hasB:
		return omSevNoStreet, true
	}
	sev = 100 - omSeqPenalty(a.street, b.street, omStreetCosts)
	switch {
	case a.number == b.number:
	case a.number == "" || b.number == "":
		sev -= 100 - omSevNumberMissing
	case omOSA([]rune(a.number), []rune(b.number)) == 1 && max(len(a.number), len(b.number)) >= 2:
		sev -= omSevNumberTypo
	default:
		sev = min(sev, omSevNeighbour)
	}
	return max(sev, omSevOtherPlace), true
}

// omUnitSeverity rates the units (line 2): equal or both absent 100;
// given on one side only omSevUnitMissing (a very strong match); see the
// omSevUnit constants for the others.
func omUnitSeverity(a, b omAddr) float64 {
	switch {
	case !a.hasUnit && !b.hasUnit:
		return 100
	case !a.hasUnit || !b.hasUnit:
		return omSevUnitMissing
	case a.unitID == b.unitID:
		if a.unitDes == b.unitDes || a.unitDes == "" || b.unitDes == "" {
			return 100
		}
		return omSevUnitDesig
	case a.unitDes == b.unitDes:
		return omSevUnitOther
	}
	return omSevUnitDiffer
}

// omPostalSeverity rates postal codes given on both sides.
func omPostalSeverity(a, b omAddr) float64 {
	switch {
	case a.postal == b.postal:
		return 100
	case a.pkind != b.pkind || a.pkind == 0:
		return omSevPostalOther
	case a.postal[:3] == b.postal[:3]:
		return omSevPostalArea
	case a.pkind == 'u' && a.postal[:2] == b.postal[:2]:
		return omSevPostalRegion
	}
	return omSevPostalOther
}

// omOptional rates a field that may be absent: absent on both sides it is
// left out (ok false), on one side it scores missing, otherwise both().
func omOptional(haveA, haveB bool, missing float64, both func() float64) (float64, bool) {
	switch {
	case !haveA && !haveB:
		return 0, false
	case !haveA || !haveB:
		return missing, true
	}
	return both(), true
}

// scoreAddress scores the input address against the owner's, 0-100, or
// omMissing (-1) if either has no field at all.
//
// Fields are normalised first (case, punctuation, USPS abbreviations:
// "Blvd." = "Boulevard", "Fl. 1" = "Floor 1"; a unit written at the end of
// line 1 counts as line 2; state names become codes; a missing country is
// inferred from the postal code or state), and only identical normalised
// addresses score 100. Otherwise each part is rated with the score the
// address would get were that its only difference (line 1 by
// omStreetSeverity, line 2 by omUnitSeverity, city by omCityCosts, state,
// postal code, country; see the omSev constants), and the address scores
// the worst rating less omAddrDamping of every other shortfall. A unit is
// rated only within the same building.
//
// On the guide's table: no line 2 on one side 94; missing suffix, other
// floor and neighbouring city 75; "OP Blvd" and "South SF" 66; another
// street in a neighbouring city 39; another country 0. The same street with
// another house number scores 50 (a neighbour).
func scoreAddress(input addressInput, owner addressInput) int {
	if omAddrKey(input) > omAddrKey(owner) {
		input, owner = owner, input
	}
	a, b := omNormAddress(input), omNormAddress(owner)
	if a.empty || b.empty {
		return omMissing
	}
	if omSameAddr(a, b) {
		return 100
	}
	var sevs []float64
	add := func(sev float64, ok bool) {
		if ok {
			sevs = append(sevs, sev)
		}
	}
	street, haveStreet := omStreetSeverity(a, b)
	add(street, haveStreet)
	if !haveStreet || street > omSevNeighbour {
		add(omUnitSeverity(a, b), true)
	}
	add(omOptional(len(a.city) > 0, len(b.city) > 0, omSevCityMissing, func() float64 {
		return max(omSevOtherPlace, 100-omSeqPenalty(a.city, b.city, omCityCosts))
	}))
	add(omOptional(a.state != "", b.state != "", omSevStateMissing, func() float64 {
		if a.state == b.state {
			return 100
		}
		return omSevStateOther
	}))
	add(omOptional(a.postal != "", b.postal != "", omSevPostalMissing, func() float64 {
		return omPostalSeverity(a, b)
	}))
	if a.country != "" && b.country != "" && a.country != b.country {
		add(omSevCountryOther, true)
	}
	sort.Float64s(sevs)
	score := 100.0
	for i, s := range sevs {
		if i == 0 {
			score = s
			continue
		}
		score -= omAddrDamping * (100 - s)
	}
	return omFinish(score / 100)
}

// omAddrKey is a total order key over addresses, used to put scoreAddress's
// arguments in a canonical order.
func omAddrKey(a addressInput) string {
	return strings.Join([]string{a.Line1, a.Line2, a.City, a.State, a.PostalCode, a.Country}, "\x00")
}
