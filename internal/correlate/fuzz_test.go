package correlate

import "testing"

// FuzzParse feeds the warninglist importer arbitrary bytes: it must never panic, and a list it
// accepts must compile and match without error.
func FuzzParse(f *testing.F) {
	for _, w := range defaultSeeds() {
		f.Add(w)
	}
	f.Add([]byte(`{"name":"x","type":"regex","list":["^a+$"],"matching_attributes":["domain"]}`))
	f.Add([]byte(`{"name":"x","type":"substring","list":["cdn"]}`))
	f.Add([]byte(`{"name":"x","type":"cidr","list":["10.0.0.0/8","::1"]}`))
	f.Add([]byte(`{"name":1}`))
	f.Add([]byte(`[[[[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := Parse(data)
		if err != nil {
			return
		}
		l, err := Compile([]Warninglist{w})
		if err != nil {
			t.Fatalf("a checked list does not compile: %v", err)
		}
		for _, e := range w.List {
			l.Match("domain", e)
			l.Match("ip", e)
		}
	})
}

func defaultSeeds() [][]byte {
	names, _ := defaultFS.ReadDir("warninglists")
	var out [][]byte
	for _, n := range names {
		b, _ := defaultFS.ReadFile("warninglists/" + n.Name())
		out = append(out, b)
	}
	return out
}
