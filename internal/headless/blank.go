package headless

import (
	"fmt"
	"image/png"
	"os"
)

// Ink measures how much a screenshot shows: the number of distinct colours
// and the fraction of pixels that differ from the most common one (the
// background). A blank page has one colour and no ink.
func Ink(path string) (colours int, ink float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	counts := map[[4]uint32]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			counts[[4]uint32{r, g, bl, a}]++
		}
	}
	most := 0
	for _, n := range counts {
		most = max(most, n)
	}
	total := b.Dx() * b.Dy()
	if total == 0 {
		return 0, 0, fmt.Errorf("%s: an empty image", path)
	}
	return len(counts), float64(total-most) / float64(total), nil
}
