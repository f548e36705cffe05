package headless

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestConsolePattern(t *testing.T) {
	for line, want := range map[string]string{
		`[2614:2614:1122/225618.617193:INFO:CONSOLE:1] "boom", source: file:///tmp/err.html (1)`:     `"boom", source: file:///tmp/err.html (1)`,
		`[2614:2614:1122/225618.626379:INFO:CONSOLE(7)] "Uncaught ReferenceError: x", source: a (7)`: `"Uncaught ReferenceError: x", source: a (7)`,
		`[2351:2388:1122/225608.637311:ERROR:dbus/bus.cc:405] Failed to connect to the bus`:          "",
	} {
		got := ""
		if m := console.FindStringSubmatch(line); m != nil {
			got = m[1]
		}
		if got != want {
			t.Errorf("%q: %q, want %q", line, got, want)
		}
	}
}

func TestInk(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, draw func(*image.RGBA)) string {
		img := image.NewRGBA(image.Rect(0, 0, 100, 100))
		for i := range img.Pix {
			img.Pix[i] = 255
		}
		draw(img)
		p := filepath.Join(dir, name)
		f, _ := os.Create(p)
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		return p
	}
	blank := write("blank.png", func(*image.RGBA) {})
	drawn := write("drawn.png", func(img *image.RGBA) {
		for x := 10; x < 60; x++ {
			for y := 10; y < 30; y++ {
				img.Set(x, y, color.RGBA{200, 40, 40, 255})
			}
		}
	})
	if c, ink, err := Ink(blank); err != nil || c != 1 || ink != 0 {
		t.Errorf("blank: %d colours, ink %.3f, %v", c, ink, err)
	}
	if c, ink, err := Ink(drawn); err != nil || c != 2 || ink < 0.09 || ink > 0.11 {
		t.Errorf("drawn: %d colours, ink %.3f, %v", c, ink, err)
	}
}
