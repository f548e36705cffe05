package jsonscan

import "testing"

func TestValueEnd(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{`"a\"b",`, 6},
		{`{"a":[1,"}"],"b":{}} x`, 20},
		{`123,`, 3},
		{`true}`, 4},
		{`[1,2`, -1},
		{`"open`, -1},
		{``, -1},
		{`,`, -1},
	}
	for _, tt := range tests {
		if got := ValueEnd([]byte(tt.in), 0); got != tt.want {
			t.Errorf("ValueEnd(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
	if WS([]byte(" \t\r\nx"), 0) != 4 {
		t.Error("WS")
	}
}
