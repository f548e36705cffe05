package compose

import "testing"

func TestEngineIsRemote(t *testing.T) {
	for host, want := range map[string]bool{
		"": false, "unix:///var/run/docker.sock": false, "tcp://127.0.0.1:2375": false, "tcp://localhost:2375": false,
		"tcp://[::1]:2375": false, "ssh://chaos@staging": true, "tcp://10.0.0.5:2376": true, "tcp://docker.staging:2376": true,
	} {
		t.Setenv("DOCKER_HOST", host)
		if got := EngineIsRemote(); got != want {
			t.Errorf("DOCKER_HOST=%q: remote %v, want %v", host, got, want)
		}
	}
}
