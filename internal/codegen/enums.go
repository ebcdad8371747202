package main

import (
	"sort"
	"strings"
	"unicode"
)

// groupEnums gives one type to the enums of a package whose fields hold
// the same values. The shared type is named by sharedEnumNames when one of its
// positions is listed there, else after the words all its position names
// end with ("VerificationMethod" for the verification_method of every
// payment method option). References to the enums it replaces are
// rewritten.
func (g *Gen) groupEnums() {
	replaced := map[*Decl]*Decl{}
	for _, p := range pkgs {
		var enums []*Decl
		for _, d := range g.decls {
			if d.Pkg == p && d.Kind == DEnum && !d.Configured {
				enums = append(enums, d)
			}
		}
		// Union-find over the enums: same values, or a config name in common.
		parent := make([]int, len(enums))
		for i := range parent {
			parent[i] = i
		}
		var find func(int) int
		find = func(i int) int {
			for parent[i] != i {
				i = parent[i]
			}
			return i
		}
		join := func(a, b int) {
			if ra, rb := find(a), find(b); ra != rb {
				if rb < ra {
					ra, rb = rb, ra
				}
				parent[rb] = ra
			}
		}
		byValues, byConfig := map[string]int{}, map[string]int{}
		for i, e := range enums {
			vals := strings.Join(e.Values, "\x00")
			if j, ok := byValues[vals]; ok {
				join(i, j)
			} else {
				byValues[vals] = i
			}
			if n := sharedEnumNames[e.Name]; n != "" {
				if j, ok := byConfig[n]; ok {
					join(i, j)
				} else {
					byConfig[n] = i
				}
			}
		}
		groups := map[int][]*Decl{}
		var roots []int
		for i, e := range enums {
			r := find(i)
			if groups[r] == nil {
				roots = append(roots, r)
			}
			groups[r] = append(groups[r], e)
		}
		for _, r := range roots {
			members := groups[r]
			name := ""
			for _, m := range members {
				if n := sharedEnumNames[m.Name]; n != "" {
					name = n
				}
			}
			if name == "" && len(members) == 1 {
				continue
			}
			var positions []string
			for _, m := range members {
				positions = append(positions, m.EnumNames...)
			}
			if name == "" {
				name = commonSuffix(positions)
			}
			keep := members[0]
			if name == "" {
				g.errorf("enums %s of %s hold the same values and their names end with no word in common: name them in sharedEnumNames", strings.Join(positions, ", "), p.Name)
				continue
			}
			if prev := g.names[p][name]; prev != nil && !containsDecl(members, prev) {
				g.errorf("enums %s of %s would share the name %s, taken by another type: name them in sharedEnumNames", strings.Join(positions, ", "), p.Name, name)
				continue
			}
			for _, m := range members {
				delete(g.names[p], m.Name)
			}
			for _, m := range members[1:] {
				keep.Values = unionStrings(keep.Values, m.Values)
				keep.Pos = append(keep.Pos, m.Pos...)
				replaced[m] = keep
			}
			sort.Strings(positions)
			keep.Name, keep.EnumNames = name, positions
			_, keep.Configured = sharedEnumNamesValues()[name]
			g.names[p][name] = keep
		}
	}
	if len(replaced) == 0 {
		return
	}
	var kept []*Decl
	for _, d := range g.decls {
		if replaced[d] == nil {
			kept = append(kept, d)
		}
	}
	g.decls = kept
	var fix func(t *T)
	fix = func(t *T) {
		for ; t != nil; t = t.Elem {
			if t.Decl != nil && replaced[t.Decl] != nil {
				t.Decl = replaced[t.Decl]
			}
		}
	}
	for _, d := range g.decls {
		for _, f := range d.Fields {
			fix(f.Type)
		}
	}
	for k, d := range g.byKey {
		if r := replaced[d]; r != nil {
			g.byKey[k] = r
		}
	}
}

func containsDecl(list []*Decl, d *Decl) bool {
	for _, x := range list {
		if x == d {
			return true
		}
	}
	return false
}

// commonSuffix returns the words the names end with in common, joined
// ("PaymentMethodOptionsCardVerificationMethod",
// "PaymentMethodOptionsLinkVerificationMethod" → "VerificationMethod").
func commonSuffix(names []string) string {
	if len(names) == 0 {
		return ""
	}
	common := goWords(names[0])
	for _, n := range names[1:] {
		w := goWords(n)
		k := 0
		for k < len(common) && k < len(w) && common[len(common)-1-k] == w[len(w)-1-k] {
			k++
		}
		common = common[len(common)-k:]
	}
	return strings.Join(common, "")
}

// goWords splits a Go name into its words: initialisms as goName writes
// them ("US", "IDs"), else a capital and what follows it in lower case and
// digits ("USBankAccountNetwork" → US, Bank, Account, Network).
func goWords(name string) []string {
	var words []string
	r := []rune(name)
	for i := 0; i < len(r); {
		if w := initialismAt(r, i); w != "" {
			words = append(words, w)
			i += len([]rune(w))
			continue
		}
		j := i + 1
		for j < len(r) && (unicode.IsLower(r[j]) || unicode.IsDigit(r[j])) {
			j++
		}
		words = append(words, string(r[i:j]))
		i = j
	}
	return words
}

// initialismAt returns the longest initialism starting at r[i] and ending
// where a new word (a capital, the end) starts, or "".
func initialismAt(r []rune, i int) string {
	best := ""
	for _, up := range initialisms {
		u := []rune(up)
		if len(u) <= len([]rune(best)) || i+len(u) > len(r) || string(r[i:i+len(u)]) != up {
			continue
		}
		end := i + len(u)
		if end == len(r) || unicode.IsUpper(r[end]) || unicode.IsDigit(r[end]) {
			best = up
		}
	}
	return best
}

// sharedEnumNamesValues is the set of names sharedEnumNames gives.
func sharedEnumNamesValues() map[string]bool {
	out := map[string]bool{}
	for _, n := range sharedEnumNames {
		out[n] = true
	}
	return out
}
