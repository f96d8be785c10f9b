package framework

import (
	"math/rand"
	"testing"
	"time"
)

func TestTmpRandom(t *testing.T) {
	seeds := [][]byte{[]byte(smallYAML), []byte(trickyYAML), docExample(t)}
	r := rand.New(rand.NewSource(1))
	var worst time.Duration
	var worstIn []byte
	chars := []byte("{}[]:,-#&*!|>'\"%@` \n\t?abc0123.\\")
	for i := 0; i < 20000; i++ {
		in := append([]byte(nil), seeds[r.Intn(len(seeds))]...)
		for k := 0; k < 1+r.Intn(4); k++ {
			p := r.Intn(len(in))
			switch r.Intn(3) {
			case 0:
				in[p] = chars[r.Intn(len(chars))]
			case 1:
				in = append(in[:p], in[p+1:]...)
			case 2:
				in = append(in[:p], append([]byte{chars[r.Intn(len(chars))]}, in[p:]...)...)
			}
		}
		start := time.Now()
		Parse("x", in)
		if d := time.Since(start); d > worst {
			worst, worstIn = d, in
		}
	}
	t.Logf("worst %v for %d bytes", worst, len(worstIn))
	if worst > 200*time.Millisecond {
		t.Logf("%s", worstIn)
	}
}
