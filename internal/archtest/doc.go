// Package archtest holds only a test: the import rules of
// docs/architecture.md, checked on every package of the module by reading
// the import declarations of each .go file with go/parser — non-test
// files, internal and external test files, and files behind build tags
// (docker) alike — with no build of the code and no go list.
//
// The rules are the table in archtest_test.go (rules): each names the
// packages it covers, the files it reads (all, or only non-test ones), and
// the imports it forbids or the only ones it permits. A package may
// always import itself (an external test package importing the package
// under test). A test also feeds the checker a synthetic module with
// forbidden imports and asserts the exact violations it reports.
package archtest
