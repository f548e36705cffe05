package targettest

import (
	"crypto/rand"
	"encoding/hex"
)

// RandomHex is n random bytes in hex (2n digits): names and secrets no
// earlier run used.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
