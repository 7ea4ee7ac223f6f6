package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Benchmarks of the int8 kernels per implementation, named
// BenchmarkX/impl=dot|neon|generic/shape=..., so that `benchstat -col
// /impl` compares them. Under qemu the timings mean nothing; count
// instructions instead (../shared/tools/qemu-icount, -benchtime Nx).

// benchImpl is one implementation of the kernels: set turns the others off
// until the returned function restores them.
type benchImpl struct {
	name string
	set  func() func()
}

// benchImpls returns the implementations this build and CPU have.
func benchImpls() []benchImpl {
	impls := []benchImpl{{"generic", disableNEON}}
	if useNEON {
		impls = append(impls, benchImpl{"neon", disableDotProd})
	}
	if useDotProd {
		impls = append(impls, benchImpl{"dot", func() func() { return func() {} }})
	}
	return impls
}

// simdBenchShapes are the convolution layers of the MLPerf Tiny KWS and IC
// models plus a few from the VWW model.
var simdBenchShapes = append([]cvShape{
	{"resnet_conv1_32x32x3_3x3_16", 32, 32, 3, 16, 3, 3, 1, false},
	{"resnet_16x16x16_3x3s2_32", 32, 32, 16, 32, 3, 3, 2, false},
	{"resnet_8x8x64_3x3_64", 8, 8, 64, 64, 3, 3, 1, false},
	{"resnet_1x1s2_32x32x16_32", 32, 32, 16, 32, 1, 1, 2, false},
}, cvBenchShapes...)

func (s cvShape) geom() ConvGeom {
	g := ConvGeom{Batches: 1, InH: s.h, InW: s.w, InC: s.ic, OutC: s.oc, KH: s.kh, KW: s.kw, StrideH: s.s, StrideW: s.s, DilationH: 1, DilationW: 1}
	g.OutH, g.PadH = WindowOutput(true, g.InH, g.KH, g.StrideH, 1)
	g.OutW, g.PadW = WindowOutput(true, g.InW, g.KW, g.StrideW, 1)
	return g
}

func BenchmarkConvInt8(b *testing.B) {
	for _, impl := range benchImpls() {
		for _, s := range simdBenchShapes {
			if s.dw {
				continue
			}
			r := rand.New(rand.NewPCG(1, 1))
			g := s.geom()
			k := g.KH * g.KW * g.InC
			_, rq := cvRandQuant(r, g.OutC, true)
			p := &ConvInt8Params{ConvGeom: g, FilterInC: g.InC, Weights: cvRandInt8s(r, g.OutC*k, -127, 127), Bias: make([]int32, g.OutC), InZero: -128, Requant: rq}
			restore := impl.set()
			if err := p.Check(); err != nil {
				b.Fatal(err)
			}
			restore()
			in := cvRandInt8s(r, g.inSize(), -128, 127)
			out := make([]int8, g.outSize())
			scratch := make([]byte, ConvInt8ScratchSize(p))
			macs := g.OutH * g.OutW * g.OutC * k
			b.Run(fmt.Sprintf("impl=%s/shape=%s", impl.name, s.name), func(b *testing.B) {
				cvBench(b, macs, func() { ConvInt8(p, in, out, scratch) })
			})
		}
	}
}

func BenchmarkFullyConnectedInt8(b *testing.B) {
	for _, impl := range benchImpls() {
		for _, s := range []struct{ batches, depth, oc int }{{1, 64, 12}, {1, 640, 128}, {1, 128, 128}, {1, 250, 10}, {4, 640, 128}} {
			r := rand.New(rand.NewPCG(1, 1))
			_, rq := cvRandQuant(r, s.oc, true)
			p := &FullyConnectedInt8Params{Batches: s.batches, Depth: s.depth, OutC: s.oc, Weights: cvRandInt8s(r, s.oc*s.depth, -127, 127), Bias: make([]int32, s.oc), Requant: rq}
			restore := impl.set()
			if err := p.Check(); err != nil {
				b.Fatal(err)
			}
			restore()
			in := cvRandInt8s(r, s.batches*s.depth, -128, 127)
			out := make([]int8, s.batches*s.oc)
			scratch := make([]byte, FullyConnectedInt8ScratchSize(p))
			macs := s.batches * s.depth * s.oc
			b.Run(fmt.Sprintf("impl=%s/shape=%dx%d_%d", impl.name, s.batches, s.depth, s.oc), func(b *testing.B) {
				cvBench(b, macs, func() { FullyConnectedInt8(p, in, out, scratch) })
			})
		}
	}
}

func BenchmarkDepthwiseInt8(b *testing.B) {
	for _, impl := range benchImpls() {
		for _, s := range simdBenchShapes {
			if !s.dw {
				continue
			}
			r := rand.New(rand.NewPCG(1, 1))
			g := s.geom()
			_, rq := cvRandQuant(r, g.OutC, true)
			p := &DepthwiseInt8Params{ConvGeom: g, DepthMul: 1, Weights: cvRandInt8s(r, g.KH*g.KW*g.OutC, -127, 127), Bias: make([]int32, g.OutC), InZero: -128, Requant: rq}
			restore := impl.set()
			if err := p.Check(); err != nil {
				b.Fatal(err)
			}
			restore()
			in := cvRandInt8s(r, g.inSize(), -128, 127)
			out := make([]int8, g.outSize())
			scratch := make([]byte, DepthwiseInt8ScratchSize(p))
			macs := g.OutH * g.OutW * g.OutC * g.KH * g.KW
			b.Run(fmt.Sprintf("impl=%s/shape=%s", impl.name, s.name), func(b *testing.B) {
				cvBench(b, macs, func() { DepthwiseInt8(p, in, out, scratch) })
			})
		}
	}
}

func BenchmarkAddInt8Impl(b *testing.B) {
	for _, impl := range benchImpls() {
		if impl.name == "dot" {
			continue
		}
		for _, n := range []int{16384, 4096} {
			r := rand.New(rand.NewPCG(1, 1))
			p := randAddParams(r, false)
			bc, err := NewBroadcast([]int{n}, []int{n})
			if err != nil {
				b.Fatal(err)
			}
			x, y := cvRandInt8s(r, n, -128, 127), cvRandInt8s(r, n, -128, 127)
			out := make([]int8, n)
			b.Run(fmt.Sprintf("impl=%s/shape=%d", impl.name, n), func(b *testing.B) {
				restore := impl.set()
				defer restore()
				cvBench(b, 0, func() { AddInt8(&p, &bc, x, y, out) })
			})
		}
	}
}
