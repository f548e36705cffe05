// Package chaosbin builds the static chaos binary that the Docker tests
// of the packages above runner run as users do (the command line, signals,
// exit codes). It is for tests only.
package chaosbin
