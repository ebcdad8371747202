package stripetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// omBand is an inclusive range of match scores.
type omBand struct{ lo, hi int }

// String formats the band as the guide does ("85-99").
func (b omBand) String() string { return fmt.Sprintf("%d-%d", b.lo, b.hi) }

// The guide's interpretation bands.
var (
	omExact    = omBand{100, 100}
	omVeryHigh = omBand{85, 99}
	omStrong   = omBand{70, 84}
	omPossible = omBand{60, 69}
	omWeak     = omBand{30, 59}
	omNone     = omBand{0, 29}
)

// omAssertBand checks that got lies in want.
func omAssertBand(t *testing.T, want omBand, got int, msgAndArgs ...any) {
	t.Helper()
	assert.Truef(t, got >= want.lo && got <= want.hi,
		"score %d outside band %s: %s", got, want, fmt.Sprint(msgAndArgs...))
}

// The guide's reference owner.
const (
	omRefName  = "Jen Jeanne Rousseau"
	omRefEmail = "jenrousseau@example.com"
	omRefPhone = "+1 212-555-5555"
	omRefRaw   = "354 Oyster Point Blvd Fl 1 South San Francisco, CA 94080 US"
)

// omRefAddress is the guide's reference owner address, structured.
var omRefAddress = addressInput{
	Line1: "354 Oyster Point Blvd", Line2: "Fl 1", City: "South San Francisco",
	State: "CA", PostalCode: "94080", Country: "US",
}

// omGuideRows are the rows of the guide's name / email / address table.
var omGuideRows = []struct {
	band    omBand
	name    string
	email   string
	address addressInput
}{
	{omExact, "Jen Jeanne Rousseau", "jenrousseau@example.com",
		addressInput{"354 Oyster Point Blvd.", "Fl. 1", "South San Francisco", "CA", "94080", "US"}},
	{omVeryHigh, "Jne Jeanne Rousseau", "jen.rousseau@example.com",
		addressInput{"354 Oyster Point Blvd.", "", "South San Francisco", "CA", "94080", "US"}},
	{omStrong, "Jen Rousseau", "jenrousseau12345@example.com",
		addressInput{"354 Oyster Point", "Fl. 10", "San Francisco", "CA", "94080", "US"}},
	{omPossible, "Jennifer Rousseau", "jenrousseau@test.com",
		addressInput{"354 OP Blvd.", "", "South SF", "CA", "94080", "US"}},
	{omWeak, "Laurent Rousseau", "laurentdupont@example.com",
		addressInput{"510 Townsend St.", "", "San Francisco", "CA", "94103", "US"}},
	{omNone, "Laurent Dupont", "laurentdupont@test.com",
		addressInput{"1 University Ave.", "Fl. 10", "Toronto", "ON", "M5J 2P1", "CA"}},
}

// omGuidePhones are the rows of the guide's phone table, against
// omRefPhone.
var omGuidePhones = []struct {
	band   omBand
	phones []string
}{
	{omBand{100, 100}, []string{"+12125555555", "(212) 555-5555"}},
	{omBand{70, 99}, []string{"212 555 5559", "212 555 555"}},
	{omBand{50, 69}, []string{"347 555 5555"}},
	{omBand{20, 49}, []string{"212 999 9999"}},
	{omBand{0, 19}, []string{"347 999 9999"}},
}

func TestOwnershipScoreGuideTable(t *testing.T) {
	t.Parallel()
	refRaw := parseRawAddress(omRefRaw)
	require.Equal(t, omRefAddress, refRaw, "raw reference address parses to the structured one")
	for _, row := range omGuideRows {
		t.Run(row.band.String(), func(t *testing.T) {
			t.Parallel()
			omAssertBand(t, row.band, scoreName(row.name, omRefName), "name ", row.name)
			omAssertBand(t, row.band, scoreEmail(row.email, omRefEmail), "email ", row.email)
			omAssertBand(t, row.band, scoreAddress(row.address, omRefAddress), "address ", row.address)
			omAssertBand(t, row.band, scoreAddress(row.address, refRaw), "address vs raw ", row.address)
		})
	}
	for _, row := range omGuidePhones {
		t.Run("phone "+row.band.String(), func(t *testing.T) {
			t.Parallel()
			for _, p := range row.phones {
				omAssertBand(t, row.band, scorePhone(p, omRefPhone), "phone ", p)
			}
		})
	}
}

// TestOwnershipScoreGuideExampleResponse replays the guide's example
// response: "Jenny Rosen" against an owner named "Jennifer Rosen" (the
// guide reports 85), the same email local part at another domain (65) and
// the structured address against the owner's raw_address (100).
func TestOwnershipScoreGuideExampleResponse(t *testing.T) {
	t.Parallel()
	omAssertBand(t, omBand{80, 90}, scoreName("Jenny Rosen", "Jennifer Rosen"))
	omAssertBand(t, omPossible, scoreEmail("jennyrosen@example.com", "jennyrosen@test.com"))
	owner := parseRawAddress("354 Oyster Point Blvd South San Francisco, CA 94080 USA")
	input := addressInput{"354 Oyster Point Blvd", "", "South San Francisco", "CA", "94080", "US"}
	assert.Equal(t, 100, scoreAddress(input, owner))
	assert.Equal(t, -1, scorePhone("+1 212-555-5555", ""), "owner without phone is missing data")
}

func TestOwnershipScoreSymmetry(t *testing.T) {
	t.Parallel()
	addrs := []addressInput{omRefAddress, parseRawAddress(omRefRaw)}
	names := []string{omRefName, "Rousseau, Jen", "Jen Rousseau & Laurent Dupont"}
	emails := []string{omRefEmail, "jen@example", "not an email"}
	phones := []string{omRefPhone, "555-5555", "+44 20 7946 0958"}
	for _, row := range omGuideRows {
		addrs = append(addrs, row.address)
		names = append(names, row.name)
		emails = append(emails, row.email)
	}
	for _, row := range omGuidePhones {
		phones = append(phones, row.phones...)
	}
	for _, a := range names {
		for _, b := range names {
			assert.Equal(t, scoreName(a, b), scoreName(b, a), "name %q %q", a, b)
		}
	}
	for _, a := range emails {
		for _, b := range emails {
			assert.Equal(t, scoreEmail(a, b), scoreEmail(b, a), "email %q %q", a, b)
		}
	}
	for _, a := range phones {
		for _, b := range phones {
			assert.Equal(t, scorePhone(a, b), scorePhone(b, a), "phone %q %q", a, b)
		}
	}
	for _, a := range addrs {
		for _, b := range addrs {
			assert.Equal(t, scoreAddress(a, b), scoreAddress(b, a), "address %+v %+v", a, b)
		}
	}
}

func TestOwnershipScoreMissingData(t *testing.T) {
	t.Parallel()
	for _, blank := range []string{"", "   ", "\t\n", ".,-'"} {
		assert.Equal(t, -1, scoreName(blank, omRefName), "name %q", blank)
		assert.Equal(t, -1, scoreName(omRefName, blank), "name %q", blank)
		assert.Equal(t, -1, scorePhone(blank, omRefPhone), "phone %q", blank)
		assert.Equal(t, -1, scorePhone(omRefPhone, blank), "phone %q", blank)
		assert.Equal(t, -1, scoreAddress(parseRawAddress(blank), omRefAddress), "address %q", blank)
	}
	for _, blank := range []string{"", "   ", "@", " @ "} {
		assert.Equal(t, -1, scoreEmail(blank, omRefEmail), "email %q", blank)
		assert.Equal(t, -1, scoreEmail(omRefEmail, blank), "email %q", blank)
	}
	assert.Equal(t, -1, scorePhone("call me", omRefPhone), "a phone without digits is missing")
	assert.Equal(t, -1, scoreAddress(addressInput{}, omRefAddress))
	assert.Equal(t, -1, scoreAddress(omRefAddress, addressInput{Line2: " , "}))
	assert.Equal(t, -1, scoreName("", ""))
	// A partial address is data, not missing data.
	omAssertBand(t, omBand{30, 69}, scoreAddress(addressInput{City: "South San Francisco", State: "CA"}, omRefAddress))
}

func TestOwnershipScoreNormalisation(t *testing.T) {
	t.Parallel()
	same := []struct{ a, b addressInput }{
		{omRefAddress, addressInput{"354 OYSTER POINT BOULEVARD", "Floor 1", "south  san francisco", "California", "94080-1234", "United States"}},
		{omRefAddress, addressInput{"354 Oyster Point Blvd., Fl. 1", "", "South San Francisco", "ca", "94080", ""}},
		{omRefAddress, addressInput{"354 Oyster Pt Blvd", "fl 1", "S. San Francisco", "CA", "94080", "USA"}},
		{addressInput{"12 North Main Street", "Suite 200", "Springfield", "IL", "62701", "US"},
			addressInput{"12 N Main St", "Ste 200", "Springfield", "Illinois", "62701", "US"}},
		{addressInput{"1 Elm Avenue", "Apartment 4B", "Austin", "TX", "78701", "US"},
			addressInput{"1 Elm Ave", "Apt 4 B", "Austin", "TX", "78701", "US"}},
		{addressInput{"9 Rue Saint-Denis", "", "Montréal", "QC", "H2X 3K8", "CA"},
			addressInput{"9 Rue St Denis", "", "Montreal", "Quebec", "h2x3k8", "Canada"}},
	}
	for _, c := range same {
		assert.Equal(t, 100, scoreAddress(c.a, c.b), "%+v vs %+v", c.a, c.b)
	}
	for _, n := range []string{"jen jeanne rousseau", "JEN JEANNE ROUSSEAU", "  Jen   Jeanne. Rousseau ", "Ms. Jen Jeanne Rousseau", "Jen-Jeanne Rousseau"} {
		assert.Equal(t, 100, scoreName(n, omRefName), n)
	}
	assert.Equal(t, 100, scoreName("O'Brien", "OBrien"), "apostrophes join")
	for _, e := range []string{"JenRousseau@Example.COM", "  jenrousseau@example.com ", "jenrousseau@example.com."} {
		assert.Equal(t, 100, scoreEmail(e, omRefEmail), e)
	}
	for _, p := range []string{"2125555555", "1-212-555-5555", "+1 (212) 555-5555", "212.555.5555", "+1 212 555 5555 ext. 12"} {
		assert.Equal(t, 100, scorePhone(p, omRefPhone), p)
	}
}

func TestOwnershipScoreUnicode(t *testing.T) {
	t.Parallel()
	for _, c := range [][2]string{
		{"Rosé", "Rose"},
		{"Jen Jeanne Rousséau", omRefName},
		{"Zoë Çelik", "Zoe Celik"},
		{"François Lefèvre", "Francois Lefevre"},
		{"Jürgen Groß", "Jurgen Gross"},
		{"Rose\u0301", "Rose"}, // decomposed accent
	} {
		omAssertBand(t, omVeryHigh, scoreName(c[0], c[1]), c[0], " / ", c[1])
	}
	assert.Equal(t, 100, scoreName("ROSÉ", "rosé"), "case folding keeps accents equal")
	omAssertBand(t, omVeryHigh, scoreEmail("rosé@example.com", "rose@example.com"))
	omAssertBand(t, omNone, scoreName("Владимир Петров", "Jen Rousseau"))
	assert.Equal(t, 100, scoreName("Владимир Петров", "владимир петров"))
}

func TestScoreNameKinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		band     omBand
		input    string
		owner    string
		kindOfIt string
	}{
		{omPossible, "Jennifer", "Jen", "nickname"},
		{omPossible, "Bill", "William", "nickname"},
		{omPossible, "Bob", "Robert", "nickname"},
		{omPossible, "Liz", "Elizabeth", "nickname"},
		{omPossible, "Beth", "Elizabeth", "nickname"},
		{omPossible, "Mike", "Michael", "nickname"},
		{omPossible, "Katie", "Katherine", "nickname"},
		{omPossible, "Jenny Rousseau", "Jennifer Jeanne Rousseau", "nickname, middle name missing"},
		{omStrong, "Bill Gates", "William Gates", "nickname, last name equal"},
		{omStrong, "Jen Rousseau", "Jen Jeanne Rousseau", "middle name missing"},
		{omStrong, "J Rousseau", "Jen Rousseau", "initial"},
		{omVeryHigh, "Jen Rouseau", "Jen Rousseau", "typo"},
		{omVeryHigh, "Rousseau, Jen", "Jen Rousseau", "reordered"},
		{omVeryHigh, "JenRousseau", "Jen Rousseau", "spacing"},
		{omWeak, "Laurent Rousseau", "Jen Rousseau", "household: same last name"},
		{omWeak, "Ben Rousseau", "Jen Rousseau", "household: rhyming first name"},
		{omNone, "Laurent Dupont", "Jen Rousseau", "unrelated"},
		{omExact, "Jen Rousseau & Laurent Dupont", "Laurent Dupont", "joint owner"},
		{omExact, "Acme Incorporated", "ACME, Inc.", "business suffix"},
	}
	for _, c := range cases {
		omAssertBand(t, c.band, scoreName(c.input, c.owner), c.kindOfIt, ": ", c.input, " / ", c.owner)
	}
}

func TestScoreEmailKinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		band  omBand
		input string
	}{
		{omVeryHigh, "jenrousseau+bank@example.com"},
		{omVeryHigh, "jen_rousseau@example.com"},
		{omVeryHigh, "jenrouseau@example.com"},
		{omVeryHigh, "jenrousseau@exmaple.com"},
		{omVeryHigh, "jenrousseau1@example.com"},
		{omStrong, "jenrousseau1987@example.com"},
		{omPossible, "jenrousseau@gmail.com"},
		{omPossible, "jenrousseau"},
		{omWeak, "jen@example.com"},
		{omNone, "someone@elsewhere.org"},
	}
	for _, c := range cases {
		omAssertBand(t, c.band, scoreEmail(c.input, omRefEmail), c.input)
	}
	assert.Equal(t, 100, scoreEmail("jen@googlemail.com", "jen@gmail.com"), "provider alias")
}

func TestScorePhoneKinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		band  omBand
		input string
	}{
		{omBand{70, 99}, "212 555 5565"},    // transposition
		{omBand{70, 99}, "212 5555 5555"},   // extra digit
		{omBand{70, 99}, "21 555 5555"},     // a digit missing from the area code
		{omBand{70, 99}, "212 555 55"},      // two digits missing
		{omBand{70, 99}, "212 555 5577"},    // two digits wrong
		{omBand{50, 69}, "213 555 5555"},    // one digit of the area code
		{omBand{50, 69}, "555-5555"},        // area code missing
		{omBand{50, 69}, "+1 213 555 5556"}, // other area code, one digit off
		{omBand{20, 49}, "212 555 1234"},    // area code and exchange
		{omBand{0, 19}, "+44 20 7946 0958"},
		{omBand{0, 19}, "7"},
	}
	for _, c := range cases {
		omAssertBand(t, c.band, scorePhone(c.input, omRefPhone), c.input)
	}
}

func TestScoreAddressKinds(t *testing.T) {
	t.Parallel()
	with := func(f func(*addressInput)) addressInput {
		a := omRefAddress
		f(&a)
		return a
	}
	cases := []struct {
		band  omBand
		input addressInput
		what  string
	}{
		{omVeryHigh, with(func(a *addressInput) { a.Line1 = "345 Oyster Point Blvd" }), "house number typo"},
		{omVeryHigh, with(func(a *addressInput) { a.Line1 = "354 Oystr Point Blvd" }), "street typo"},
		{omVeryHigh, with(func(a *addressInput) { a.Line2 = "Ste 1" }), "other unit designator"},
		{omVeryHigh, with(func(a *addressInput) { a.Line1 = "354 Oyster Point Ave" }), "other suffix"},
		{omStrong, with(func(a *addressInput) { a.Line2 = "Fl 2" }), "other floor"},
		{omStrong, with(func(a *addressInput) { a.City = "San Francisco" }), "neighbouring city"},
		{omStrong, with(func(a *addressInput) { a.Line1 = "Oyster Point Blvd" }), "no house number"},
		{omBand{0, 59}, with(func(a *addressInput) { a.City, a.State, a.PostalCode = "Boston", "MA", "02101" }), "same street name in another state"},
		{omWeak, with(func(a *addressInput) { a.Line1 = "500 Oyster Point Blvd" }), "neighbour on the street"},
		{omWeak, addressInput{"1 Main St", "", "South San Francisco", "CA", "94080", "US"}, "same city"},
		{omNone, addressInput{"1 Main St", "", "Springfield", "IL", "62701", "US"}, "same country"},
	}
	for _, c := range cases {
		omAssertBand(t, c.band, scoreAddress(c.input, omRefAddress), c.what, fmt.Sprintf(" %+v", c.input))
	}
}

func TestParseRawAddress(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw  string
		want addressInput
	}{
		{"354 Oyster Point Blvd South San Francisco, CA 94080 USA",
			addressInput{"354 Oyster Point Blvd", "", "South San Francisco", "CA", "94080", "US"}},
		{omRefRaw, omRefAddress},
		{"354 Oyster Point Blvd, Fl 1, South San Francisco, CA 94080, United States",
			addressInput{"354 Oyster Point Blvd", "Fl 1", "South San Francisco", "CA", "94080", "US"}},
		{"354 Oyster Point Blvd #100 South San Francisco CA 94080",
			addressInput{"354 Oyster Point Blvd", "#100", "South San Francisco", "CA", "94080", ""}},
		{"354 Oyster Point South San Francisco, CA 94080",
			addressInput{"354 Oyster Point", "", "South San Francisco", "CA", "94080", ""}},
		{"1 University Ave Fl 10 Toronto, ON M5J 2P1 Canada",
			addressInput{"1 University Ave", "Fl 10", "Toronto", "ON", "M5J 2P1", "CA"}},
		{"1 University Ave., Toronto ON M5J2P1 CA",
			addressInput{"1 University Ave.", "", "Toronto", "ON", "M5J 2P1", "CA"}},
		{"123 Main St Apt 4B, Springfield, IL 62701-1234, U.S.A.",
			addressInput{"123 Main St", "Apt 4B", "Springfield", "IL", "62701-1234", "US"}},
		{"12 Main St St Louis, MO 63101 US",
			addressInput{"12 Main St", "", "St Louis", "MO", "63101", "US"}},
		{"100 St Marks Pl New York, New York 10003",
			addressInput{"100 St Marks Pl", "", "New York", "NY", "10003", ""}},
		{"4 Privet Dr N Redwood City, CA 94063",
			addressInput{"4 Privet Dr N", "", "Redwood City", "CA", "94063", ""}},
		{"354 Oyster Point Blvd, Fl 1 South San Francisco, CA 94080",
			addressInput{"354 Oyster Point Blvd", "Fl 1", "South San Francisco", "CA", "94080", ""}},
		{"123 Main St Springfield IL", addressInput{"123 Main St", "", "Springfield", "IL", "", ""}},
		{"PO Box 123 Springfield IL 62701",
			addressInput{"PO Box 123", "", "Springfield", "IL", "62701", ""}},
		{"South San Francisco, CA", addressInput{City: "South San Francisco", State: "CA"}},
		{"Toronto, ON, CA", addressInput{City: "Toronto", State: "ON", Country: "CA"}},
		{"94080", addressInput{PostalCode: "94080"}},
		{"354 Oyster Point Blvd", addressInput{Line1: "354 Oyster Point Blvd"}},
		{"", addressInput{}},
		{" , ;\n", addressInput{}},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, parseRawAddress(c.raw), "%q", c.raw)
	}
}

// FuzzScores feeds arbitrary strings to every scorer and to the raw address
// parser: nothing panics, scores stay in -1..100, every scorer is
// symmetric, a value scores 100 against itself unless it is missing data,
// and missing data is a property of one side.
func FuzzScores(f *testing.F) {
	for _, row := range omGuideRows {
		f.Add(row.name, omRefName)
		f.Add(row.email, omRefEmail)
		f.Add(strings.Join([]string{row.address.Line1, row.address.Line2, row.address.City,
			row.address.State + " " + row.address.PostalCode, row.address.Country}, ", "), omRefRaw)
	}
	for _, row := range omGuidePhones {
		f.Add(row.phones[0], omRefPhone)
	}
	f.Add("Rose\u0301 & \xff#", "#1 ,, Fl")
	f.Fuzz(func(t *testing.T, a, b string) {
		check := func(what string, score func(x, y string) int) {
			ab, ba := score(a, b), score(b, a)
			aa, bb := score(a, a), score(b, b)
			if ab < -1 || ab > 100 {
				t.Fatalf("%s(%q, %q) = %d, outside -1..100", what, a, b, ab)
			}
			if ab != ba {
				t.Fatalf("%s not symmetric: (%q, %q) = %d, reversed %d", what, a, b, ab, ba)
			}
			if aa != 100 && aa != -1 {
				t.Fatalf("%s(%q, itself) = %d", what, a, aa)
			}
			if (ab == -1) != (aa == -1 || bb == -1) {
				t.Fatalf("%s(%q, %q) = %d but alone %d and %d", what, a, b, ab, aa, bb)
			}
		}
		check("scoreName", scoreName)
		check("scoreEmail", scoreEmail)
		check("scorePhone", scorePhone)
		check("scoreAddress(raw)", func(x, y string) int {
			return scoreAddress(parseRawAddress(x), parseRawAddress(y))
		})
		check("scoreAddress(fields)", func(x, y string) int {
			fx, fy := strings.Split(x, "|"), strings.Split(y, "|")
			field := func(fs []string, i int) string {
				if i < len(fs) {
					return fs[i]
				}
				return ""
			}
			return scoreAddress(
				addressInput{field(fx, 0), field(fx, 1), field(fx, 2), field(fx, 3), field(fx, 4), field(fx, 5)},
				addressInput{field(fy, 0), field(fy, 1), field(fy, 2), field(fy, 3), field(fy, 4), field(fy, 5)})
		})
		p := parseRawAddress(a)
		for _, s := range []string{p.Line1, p.Line2, p.City, p.State, p.PostalCode, p.Country} {
			if strings.ContainsAny(s, ",;\n\r") || s != strings.TrimSpace(s) {
				t.Fatalf("parseRawAddress(%q) = %+v: field %q not clean", a, p, s)
			}
		}
	})
}
