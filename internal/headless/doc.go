// Package headless drives Debian's Chromium in headless mode for the
// report's tests and benchmarks: it loads a page and returns the DOM after
// the page's scripts ran with every console message, takes screenshots,
// and tells a blank screenshot from a drawn one. It starts Chromium as the
// report's users would open the file: offline, from disk.
package headless
