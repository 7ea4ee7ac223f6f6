package runtime

import (
	"math/rand/v2"
	"testing"
)

func TestGreedyPlannerReusesDeadSpace(t *testing.T) {
	// A chain a → b → c: a and c never live together, so c reuses a's bytes.
	var p GreedyPlanner
	a := p.AddBuffer(100, 0, 0)
	b := p.AddBuffer(50, 0, 1)
	c := p.AddBuffer(100, 1, 2)
	offsets, total := p.Plan()
	if offsets[a] != offsets[c] {
		t.Errorf("a at %d, c at %d: want c to reuse a's space", offsets[a], offsets[c])
	}
	if want := alignUp(100, arenaAlign) + alignUp(50, arenaAlign); total != want {
		t.Errorf("total %d, want %d", total, want)
	}
	_ = b
}

// TestGreedyPlannerNoOverlap checks on random lifetimes that buffers live at
// the same time never share bytes, every offset is aligned, and the total
// covers every buffer.
func TestGreedyPlannerNoOverlap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		var p GreedyPlanner
		type buf struct{ size, first, last int }
		var bufs []buf
		for range r.IntN(40) + 1 {
			first := r.IntN(20)
			b := buf{r.IntN(5000), first, first + r.IntN(6)}
			bufs = append(bufs, b)
			p.AddBuffer(b.size, b.first, b.last)
		}
		offsets, total := p.Plan()
		peak := 0
		for op := 0; op < 26; op++ {
			live := 0
			for _, b := range bufs {
				if b.first <= op && op <= b.last {
					live += b.size
				}
			}
			peak = max(peak, live)
		}
		if total < peak {
			t.Fatalf("trial %d: total %d below the live peak %d", trial, total, peak)
		}
		for i, bi := range bufs {
			if offsets[i]%arenaAlign != 0 || offsets[i]+bi.size > total {
				t.Fatalf("trial %d: buffer %d at %d (+%d) outside [0,%d) or unaligned", trial, i, offsets[i], bi.size, total)
			}
			for j, bj := range bufs[:i] {
				timeOverlap := bi.first <= bj.last && bj.first <= bi.last
				spaceOverlap := offsets[i] < offsets[j]+bj.size && offsets[j] < offsets[i]+bi.size
				if timeOverlap && spaceOverlap && bi.size > 0 && bj.size > 0 {
					t.Fatalf("trial %d: buffers %d and %d overlap in time and space", trial, i, j)
				}
			}
		}
	}
}
