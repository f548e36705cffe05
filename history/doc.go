// Package history owns the record of a run: the [Op] event of HISTORY.md
// (version 1), the run [Clock], the streaming JSONL [Writer] that a run
// appends to as things happen, and the [Read] function that loads and
// validates a history from disk.
//
// The format is a public interface: users write it from their own
// applications and check it with `chaos check`. Fields are only ever added
// as optional ones; a reader ignores fields it does not know.
package history
