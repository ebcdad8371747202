package embedfin

// Ptr returns a pointer to a copy of v. Optional request fields are pointers so
// that "not set" and "set to the zero value" stay distinct:
//
//	params.Description = embedfin.Ptr("")    // sends description= (clears it)
//	params.Limit = embedfin.Ptr(int64(100))
func Ptr[T any](v T) *T { return &v }

// Deref returns *p, or the zero value of T when p is nil. It reads nullable
// response fields without a nil check when the zero value is an acceptable
// default.
func Deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
