package ownershipmatch

import (
	"errors"
	"fmt"
	"math"
)

// Field is one of the four compared fields.
type Field string

// The compared fields.
const (
	FieldName    Field = "name"
	FieldEmail   Field = "email"
	FieldPhone   Field = "phone"
	FieldAddress Field = "address"
)

// Fields lists the fields in a fixed order.
var Fields = []Field{FieldName, FieldEmail, FieldPhone, FieldAddress}

// Band is what a score means, after the interpretation table of Stripe's
// guide.
type Band string

// Bands, strongest first. Name, email and address use Exact (100),
// VeryStrong (85-99), Strong (70-84), Possible (60-69), Weak (30-59) and
// None (0-29). Phones vary less, so their bands are wider: Exact (100),
// Possible (70-99: a wrong or missing digit), Weak (50-69: the same number
// in another area code), Unlikely (20-49: the same area code only) and None
// (0-19). Missing means there was no score.
const (
	BandExact      Band = "exact"
	BandVeryStrong Band = "very_strong"
	BandStrong     Band = "strong"
	BandPossible   Band = "possible"
	BandWeak       Band = "weak"
	BandUnlikely   Band = "unlikely"
	BandNone       Band = "none"
	BandMissing    Band = "missing"
)

// Interpret places a score of field in its band. Scores outside 0-100 are
// clamped.
func Interpret(field Field, score int64) Band {
	score = max(0, min(100, score))
	if field == FieldPhone {
		switch {
		case score == 100:
			return BandExact
		case score >= 70:
			return BandPossible
		case score >= 50:
			return BandWeak
		case score >= 20:
			return BandUnlikely
		}
		return BandNone
	}
	switch {
	case score == 100:
		return BandExact
	case score >= 85:
		return BandVeryStrong
	case score >= 70:
		return BandStrong
	case score >= 60:
		return BandPossible
	case score >= 30:
		return BandWeak
	}
	return BandNone
}

// Bands interprets every field of the results; fields without a score are
// BandMissing.
func (r *Results) Bands() map[Field]Band {
	out := make(map[Field]Band, len(Fields))
	for _, f := range Fields {
		if s, ok := r.Field(f).Score(); ok {
			out[f] = Interpret(f, s)
		} else {
			out[f] = BandMissing
		}
	}
	return out
}

// Decision is the action a Policy recommends.
type Decision string

// Decisions, as in the guide's example: go ahead, ask for more proof (an ID
// document, say), or stop.
const (
	Proceed Decision = "proceed"
	StepUp  Decision = "step_up"
	Decline Decision = "decline"
)

// Policy turns results into a decision: a weighted average of the fields
// that have a score, compared with two thresholds.
type Policy struct {
	// Weights per field; a field absent from the map weighs 0 (ignored).
	// Weights must not be negative.
	Weights map[Field]float64
	// ProceedAt is the lowest average that proceeds.
	ProceedAt float64
	// StepUpAt is the lowest average that steps up; below it, decline.
	StepUpAt float64
	// MinFields is how many fields must have a score for a decision;
	// fewer gives ErrTooFewScores. Zero means 1.
	MinFields int
}

// DefaultPolicy weighs the four fields equally, proceeds from 70 and steps
// up from 60: the thresholds of the guide's example.
func DefaultPolicy() Policy {
	return Policy{
		Weights:   map[Field]float64{FieldName: 1, FieldEmail: 1, FieldPhone: 1, FieldAddress: 1},
		ProceedAt: 70,
		StepUpAt:  60,
	}
}

// ErrTooFewScores is returned by Decide when fewer fields than
// Policy.MinFields have a score: there is not enough to decide on.
var ErrTooFewScores = errors.New("ownershipmatch: too few fields have a score to decide")

// Assessment explains a decision.
type Assessment struct {
	// Decision is the recommended action.
	Decision Decision
	// Score is the weighted average of the fields used.
	Score float64
	// Used lists the fields that entered the average, Skipped those
	// without a score (or with weight 0).
	Used, Skipped []Field
	// Bands interprets every field.
	Bands map[Field]Band
}

// Validate checks the policy's weights and thresholds.
func (p Policy) Validate() error {
	for f, w := range p.Weights {
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return fmt.Errorf("ownershipmatch: weight of %s is %v; weights must be finite and not negative", f, w)
		}
	}
	if !(p.StepUpAt >= 0 && p.StepUpAt <= p.ProceedAt && p.ProceedAt <= 100) {
		return fmt.Errorf("ownershipmatch: need 0 <= StepUpAt (%v) <= ProceedAt (%v) <= 100", p.StepUpAt, p.ProceedAt)
	}
	if p.MinFields < 0 || p.MinFields > len(Fields) {
		return fmt.Errorf("ownershipmatch: MinFields %d is outside 0..%d", p.MinFields, len(Fields))
	}
	return nil
}

// Decide averages the scores of the fields that have one, each counted once
// with its weight, and compares the average with the thresholds. A field
// without data is left out rather than counted as 0, which would punish an
// owner for a field the bank did not share.
func (p Policy) Decide(r *Results) (Assessment, error) {
	if err := p.Validate(); err != nil {
		return Assessment{}, err
	}
	a := Assessment{Bands: r.Bands()}
	var sum, weights float64
	for _, f := range Fields {
		w := p.Weights[f]
		s, ok := r.Field(f).Score()
		if !ok || w == 0 {
			a.Skipped = append(a.Skipped, f)
			continue
		}
		a.Used = append(a.Used, f)
		sum += w * float64(s)
		weights += w
	}
	if len(a.Used) < max(p.MinFields, 1) || weights == 0 {
		return a, ErrTooFewScores
	}
	a.Score = sum / weights
	switch {
	case a.Score >= p.ProceedAt:
		a.Decision = Proceed
	case a.Score >= p.StepUpAt:
		a.Decision = StepUp
	default:
		a.Decision = Decline
	}
	return a, nil
}
