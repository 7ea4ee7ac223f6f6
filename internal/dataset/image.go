package dataset

import (
	"fmt"
	"image"
	_ "image/jpeg" // register the decoders image.Decode uses
	_ "image/png"
	"os"
)

// maxPixels bounds the images accepted, checked from the header before the
// pixels are decoded.
const maxPixels = 1 << 26

type decoded struct {
	shape []int // [H, W, C]
	data  []float32
}

// loadImage decodes a PNG or JPEG file into H×W×C values, preprocessed as
// integer data: (v − Mean)·Scale per 8-bit channel value.
func loadImage(path string, opt Options) (*decoded, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", path, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return nil, fmt.Errorf("dataset: %s: %d×%d image is too large", path, cfg.Width, cfg.Height)
	}
	if _, err := f.Seek(0, 0); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", path, err)
	}
	ch := opt.Channels
	if ch == 0 {
		ch = 3
		switch img.(type) {
		case *image.Gray, *image.Gray16:
			ch = 1
		}
	}
	if ch != 1 && ch != 3 {
		return nil, fmt.Errorf("dataset: %d image channels (want 1 or 3)", ch)
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	px := make([]float64, w*h*ch)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			i := (y*w + x) * ch
			if ch == 1 {
				// ITU-R 601 luma, as image/color's Gray model computes it.
				px[i] = (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
			} else {
				px[i], px[i+1], px[i+2] = float64(r)/257, float64(g)/257, float64(bl)/257
			}
		}
	}
	if opt.Height > 0 && opt.Width > 0 && (opt.Height != h || opt.Width != w) {
		px = resizeBilinear(px, h, w, ch, opt.Height, opt.Width)
		h, w = opt.Height, opt.Width
	}
	out := &decoded{shape: []int{h, w, ch}, data: make([]float32, len(px))}
	if err := opt.normalize(out.data, out.shape, func(i int) float64 { return px[i] }); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// resizeBilinear resamples an H×W×C image to oh×ow with half-pixel centers
// (as TensorFlow's resize with half_pixel_centers).
func resizeBilinear(src []float64, h, w, c, oh, ow int) []float64 {
	dst := make([]float64, oh*ow*c)
	sy, sx := float64(h)/float64(oh), float64(w)/float64(ow)
	for y := 0; y < oh; y++ {
		fy := max((float64(y)+0.5)*sy-0.5, 0)
		y0 := min(int(fy), h-1)
		y1 := min(y0+1, h-1)
		dy := fy - float64(y0)
		for x := 0; x < ow; x++ {
			fx := max((float64(x)+0.5)*sx-0.5, 0)
			x0 := min(int(fx), w-1)
			x1 := min(x0+1, w-1)
			dx := fx - float64(x0)
			for k := 0; k < c; k++ {
				a := src[(y0*w+x0)*c+k]*(1-dx) + src[(y0*w+x1)*c+k]*dx
				b := src[(y1*w+x0)*c+k]*(1-dx) + src[(y1*w+x1)*c+k]*dx
				dst[(y*ow+x)*c+k] = a*(1-dy) + b*dy
			}
		}
	}
	return dst
}
