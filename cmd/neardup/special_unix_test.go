//go:build unix

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestNamedPipes: a named pipe in an input directory is passed over and
// counted in summary.json (reading it hung the run for ever, deaf to
// SIGINT and SIGTERM); named as an input it is an error that says how to
// read a pipe.
func TestNamedPipes(t *testing.T) {
	in := t.TempDir()
	os.WriteFile(filepath.Join(in, "a.jsonl"), []byte(`{"id": "a", "text": "one two three"}`+"\n"), 0o644)
	fifo := filepath.Join(in, "b.jsonl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	out := t.TempDir()
	code, stderr := runWithin(t, "", "run", "--out", out, in)
	if code != 0 || !strings.Contains(stderr, "1 special files (pipes, sockets, devices) not read") {
		t.Fatalf("directory with a named pipe: exit %d, %s", code, stderr)
	}
	if articles, _ := summaryArticles(t, out); articles["special_files"] != 1.0 || articles["read"] != 1.0 {
		t.Errorf("summary.json articles %v, want 1 read and 1 special file", articles)
	}
	code, stderr = runWithin(t, "", "run", "--out", out, fifo)
	if code != 1 || !strings.Contains(stderr, "b.jsonl: not a regular file but a named pipe") {
		t.Errorf("named pipe as input: exit %d, %s", code, stderr)
	}
}

// TestSignalWhileReadingStdin: SIGINT or SIGTERM stops a run whose
// standard input blocks (a pipe nobody writes to), with exit code 1 and
// the previous outputs untouched.
func TestSignalWhileReadingStdin(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(binary, "run", "--out", t.TempDir(), "-")
			w, err := cmd.StdinPipe() // open, never written to
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond)
			cmd.Process.Signal(sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("%v ignored while standard input blocks", sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "interrupted") {
				t.Errorf("exit %d, stderr %q; want 1 and interrupted", code, stderr.String())
			}
		})
	}
}

// TestSignalWhileOpeningAPipe: eval reads the files it is given as they
// are, pipes included; one that nobody writes to blocks in open, deaf to
// the context. SIGTERM still ends the run, with exit code 1, within
// interruptGrace; a second SIGINT ends it at once.
func TestSignalWhileOpeningAPipe(t *testing.T) {
	for _, sigs := range [][]syscall.Signal{{syscall.SIGTERM}, {syscall.SIGINT, syscall.SIGINT}} {
		t.Run(sigs[len(sigs)-1].String()+"×"+strconv.Itoa(len(sigs)), func(t *testing.T) {
			gold := filepath.Join(t.TempDir(), "gold.jsonl")
			if err := syscall.Mkfifo(gold, 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			cmd := exec.Command(binary, "eval", "--gold", gold, wireDir)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			for _, sig := range sigs {
				time.Sleep(300 * time.Millisecond)
				cmd.Process.Signal(sig)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(interruptGrace + 10*time.Second):
				cmd.Process.Kill()
				t.Fatalf("%v ignored while eval opens a pipe", sigs)
			}
			took := time.Since(start)
			ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
			switch {
			case len(sigs) == 1 && (ws.ExitStatus() != 1 || took < interruptGrace):
				t.Errorf("exit %d after %v, want 1 after the %v grace", ws.ExitStatus(), took, interruptGrace)
			case len(sigs) == 2 && (!ws.Signaled() || took > interruptGrace):
				t.Errorf("second SIGINT: status %v after %v, want killed at once", ws, took)
			}
		})
	}
}
