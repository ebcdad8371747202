package stripetest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// phoneKind is one row of the guide's phone table (plus the emulator's
// row for an area code and a subscriber digit both off), as a way of
// deriving a number from a reference one.
type phoneKind struct {
	name string
	band omBand
	make func(rng *rand.Rand, area, sub string) string
}

// randDigits returns n random digits.
func randDigits(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

// randArea returns a North American area code: a first digit of 2-9.
func randArea(rng *rand.Rand) string {
	return string(rune('2'+rng.IntN(8))) + randDigits(rng, 2)
}

// otherDigit returns a digit other than d.
func otherDigit(rng *rand.Rand, d byte) byte {
	return byte('0' + (int(d-'0')+1+rng.IntN(9))%10)
}

// changeOne replaces one digit of s.
func changeOne(rng *rand.Rand, s string) string {
	b := []byte(s)
	i := rng.IntN(len(b))
	b[i] = otherDigit(rng, b[i])
	return string(b)
}

// otherArea returns an area code other than area: one digit changed or a
// fresh one.
func otherArea(rng *rand.Rand, area string) string {
	for range 100 {
		var o string
		if rng.IntN(2) == 0 {
			o = changeOne(rng, area)
		} else {
			o = randArea(rng)
		}
		if o != area && o[0] >= '2' {
			return o
		}
	}
	panic("no other area code")
}

// farSubscriber returns a subscriber number at least 3 edits from sub.
func farSubscriber(rng *rand.Rand, sub string) string {
	for range 100 {
		o := randDigits(rng, 7)
		if omOSA([]rune(o), []rune(sub)) >= 3 {
			return o
		}
	}
	panic("no far subscriber number")
}

// formatPhone writes a 10-digit number in one of the ways people do.
func formatPhone(rng *rand.Rand, area, sub string) string {
	switch rng.IntN(5) {
	case 0:
		return "+1 " + area + "-" + sub[:3] + "-" + sub[3:]
	case 1:
		return "(" + area + ") " + sub[:3] + "-" + sub[3:]
	case 2:
		return area + " " + sub[:3] + " " + sub[3:]
	case 3:
		return "1" + area + sub
	}
	return area + "." + sub[:3] + "." + sub[3:]
}

var phoneKinds = []phoneKind{
	{"same number, other formatting", omBand{100, 100}, func(rng *rand.Rand, area, sub string) string {
		return formatPhone(rng, area, sub)
	}},
	{"one subscriber digit wrong", omBand{70, 99}, func(rng *rand.Rand, area, sub string) string {
		return formatPhone(rng, area, changeOne(rng, sub))
	}},
	{"one subscriber digit missing", omBand{70, 99}, func(rng *rand.Rand, area, sub string) string {
		i := rng.IntN(7)
		return area + " " + sub[:i] + sub[i+1:]
	}},
	{"one digit extra", omBand{70, 99}, func(rng *rand.Rand, area, sub string) string {
		i := rng.IntN(8)
		return area + " " + sub[:i] + randDigits(rng, 1) + sub[i:]
	}},
	{"two neighbouring digits swapped", omBand{70, 99}, func(rng *rand.Rand, area, sub string) string {
		for range 100 {
			i := rng.IntN(6)
			if sub[i] != sub[i+1] {
				return formatPhone(rng, area, sub[:i]+sub[i+1:i+2]+sub[i:i+1]+sub[i+2:])
			}
		}
		return formatPhone(rng, area, changeOne(rng, sub)) // all digits alike
	}},
	{"same subscriber number, other area code", omBand{50, 69}, func(rng *rand.Rand, area, sub string) string {
		return formatPhone(rng, otherArea(rng, area), sub)
	}},
	{"same subscriber number, no area code", omBand{50, 69}, func(rng *rand.Rand, area, sub string) string {
		return sub[:3] + "-" + sub[3:]
	}},
	{"other area code, one subscriber digit wrong", omBand{50, 69}, func(rng *rand.Rand, area, sub string) string {
		return formatPhone(rng, otherArea(rng, area), changeOne(rng, sub))
	}},
	{"same area code, other subscriber number", omBand{20, 49}, func(rng *rand.Rand, area, sub string) string {
		return formatPhone(rng, area, farSubscriber(rng, sub))
	}},
	{"nothing in common", omBand{0, 19}, func(rng *rand.Rand, area, sub string) string {
		return formatPhone(rng, otherArea(rng, area), farSubscriber(rng, sub))
	}},
}

// TestScorePhoneBandsFollowTheKind generates many reference numbers and,
// for each, a number of every kind of difference in the guide's phone
// table: the score lands in that row's band whatever the digits, in both
// argument orders.
func TestScorePhoneBandsFollowTheKind(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(13, 6))
	const refs = 3000
	failures := map[string]int{}
	var examples []string
	for range refs {
		area, sub := randArea(rng), randDigits(rng, 7)
		ref := formatPhone(rng, area, sub)
		for _, k := range phoneKinds {
			p := k.make(rng, area, sub)
			got, back := scorePhone(p, ref), scorePhone(ref, p)
			if got != back {
				t.Fatalf("%s: scorePhone(%q, %q) = %d, reversed %d", k.name, p, ref, got, back)
			}
			if got < k.band.lo || got > k.band.hi {
				failures[k.name]++
				if len(examples) < 20 {
					examples = append(examples, fmt.Sprintf("%s: %q vs %q = %d, want %s", k.name, p, ref, got, k.band))
				}
			}
		}
	}
	if len(failures) > 0 {
		t.Errorf("scores outside the kind's band (%d references): %v\n%s", refs, failures, strings.Join(examples, "\n"))
	}
}

// TestScorePhoneAreaCodeOnly is the case of the issue: the guide's
// reference subscriber number behind every other area code scores in the
// "same number except the area code" band.
func TestScorePhoneAreaCodeOnly(t *testing.T) {
	t.Parallel()
	for a := 200; a <= 999; a++ {
		area := fmt.Sprint(a)
		if area == "212" {
			continue
		}
		for _, p := range []string{"(" + area + ") 555-5555", "+1 " + area + " 555 5555"} {
			omAssertBand(t, omBand{50, 69}, scorePhone(p, omRefPhone), p)
		}
	}
}
