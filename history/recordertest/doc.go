// Package recordertest holds only a test: the harness's own recorders
// (the election and register workloads and the nemesis, on in-memory
// backends) write a history that [history.Read] reads back clean. It lives
// apart from package history so that the history package's own tests do
// not depend on the packages that record into it.
package recordertest
