package runtime

import "sort"

// Planner lays out buffers with known lifetimes in one block of memory.
// Buffers whose lifetimes overlap never share bytes.
type Planner interface {
	// AddBuffer registers a buffer of size bytes that is live from operator
	// first through operator last (inclusive) and returns its id.
	AddBuffer(size, first, last int) int
	// Plan returns each buffer's offset, by id, and the total bytes needed.
	Plan() (offsets []int, total int)
}

// arenaAlign is the alignment of every buffer in the arena: enough for any
// element type and for SIMD loads.
const arenaAlign = 16

// GreedyPlanner places the largest buffers first, each at the lowest
// aligned offset that does not overlap a buffer live at the same time.
type GreedyPlanner struct {
	bufs []plannedBuffer
}

type plannedBuffer struct {
	size, first, last int
}

// AddBuffer implements Planner.
func (p *GreedyPlanner) AddBuffer(size, first, last int) int {
	p.bufs = append(p.bufs, plannedBuffer{size, first, last})
	return len(p.bufs) - 1
}

// Plan implements Planner.
func (p *GreedyPlanner) Plan() ([]int, int) {
	order := make([]int, len(p.bufs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ba, bb := p.bufs[order[a]], p.bufs[order[b]]
		if ba.size != bb.size {
			return ba.size > bb.size
		}
		return ba.first < bb.first
	})
	offsets := make([]int, len(p.bufs))
	var placed []int // ids placed so far, sorted by offset
	total := 0
	for _, id := range order {
		b := p.bufs[id]
		offset := 0
		for _, other := range placed {
			o := p.bufs[other]
			if o.last < b.first || b.last < o.first {
				continue // lifetimes do not overlap
			}
			if offsets[other]+o.size <= offset {
				continue
			}
			if offsets[other] >= offset+b.size {
				break // the gap before this buffer is big enough
			}
			offset = alignUp(offsets[other]+o.size, arenaAlign)
		}
		offsets[id] = offset
		if end := offset + b.size; end > total {
			total = end
		}
		// Keep placed sorted by offset so the scan above finds gaps in order.
		at := sort.Search(len(placed), func(i int) bool { return offsets[placed[i]] > offset })
		placed = append(placed, 0)
		copy(placed[at+1:], placed[at:])
		placed[at] = id
	}
	return offsets, alignUp(total, arenaAlign)
}

func alignUp(n, a int) int { return (n + a - 1) / a * a }
