// Package history owns the record of a run: the [Op] event of the history
// format (docs/history.md, version 1), the run [Clock], the streaming
// JSONL [Writer] that a run appends to as things happen, and the [Read]
// function that loads and validates a history from disk. It also owns the
// values the harness records between its packages, typed: a campaign's
// grant ([Campaign]), the election workload's [Write], [Resign] and
// [Lost], and the nemesis's [Fault], which the checkers and the report read
// back through [Op.Fault].
//
// The format is a public interface: users write it from their own
// applications and check it with `chaos check`. Fields are only ever added
// as optional ones; a reader ignores fields it does not know. Read checks
// the type of every value field a checker reads (docs/history.md,
// "Values"), so that a history the checkers would misread — a token
// written as a string, a key as a number — is bad input naming its file,
// line and field, never a silently dropped op.
package history
