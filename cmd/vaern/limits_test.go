package main

import (
	"context"
	"flag"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vaern/vaern/internal/store"
	"github.com/vaern/vaern/internal/wire"
)

// TestServeRefusesUnsafeConfig: start-up names every unsafe setting and refuses it.
func TestServeRefusesUnsafeConfig(t *testing.T) {
	pub := []string{"--addr", "0.0.0.0:8080", "--trust-proxy"}
	for _, c := range []struct {
		args []string
		env  map[string]string
		want []string
	}{
		{args: pub, want: []string{"base-url", "https://"}},
		{args: append(pub, "--base-url", "http://vaern.example.dk"), want: []string{"base-url", "https://", "cookies"}},
		{args: append(pub, "--base-url", "https://vaern.example.dk", "--sqlite-fast"), want: []string{"power loss", "VAERN_SQLITE_FAST_ACCEPT_LOSS"}},
		{args: append(pub, "--base-url", "https://vaern.example.dk"), env: map[string]string{"VAERN_SQLITE_FAST": "true"}, want: []string{"VAERN_SQLITE_FAST_ACCEPT_LOSS"}},
		{args: []string{"--addr", "127.0.0.1:0", "--metrics-addr", "0.0.0.0:9090"}, want: []string{"metrics-addr", "authentication"}},
		{args: []string{"--addr", "127.0.0.1:0", "--metrics-addr", "9090"}, want: []string{"metrics-addr", "HOST:PORT"}},
		{args: []string{"--addr", "127.0.0.1:0", "--rate-api", "-1"}, want: []string{"rate-api"}},
		{args: []string{"--addr", "127.0.0.1:0", "--smtp-host", "smtp.example.dk", "--smtp-from", "a@example.dk",
			"--smtp-tls", "none", "--smtp-password", "hemmeligt"}, want: []string{"smtp-tls", "unencrypted"}},
	} {
		dir := t.TempDir()
		args := append([]string{"serve", "--data", dir}, c.args...)
		getenv := func(k string) string { return c.env[k] }
		code, out, errs := vaernRun(t, getenv, args...)
		wantExit(t, code, 1, out, errs, args...)
		for _, w := range c.want {
			if !strings.Contains(errs, w) {
				t.Errorf("vaern %s: the message does not mention %q:\n%s", strings.Join(args, " "), w, errs)
			}
		}
	}
	// The same settings, made safe, are accepted.
	for _, args := range [][]string{
		append(pub, "--base-url", "https://vaern.example.dk"),
		append(pub, "--base-url", "https://vaern.example.dk", "--sqlite-fast", "--sqlite-fast-accept-loss"),
		append(pub, "--base-url", "https://vaern.example.dk", "--sqlite-fast", "--database", "postgres://db.example.dk/vaern"),
		{"--addr", "127.0.0.1:8080", "--metrics-addr", "127.0.0.1:9090", "--rate-api", "0", "--rate-signin", "0"},
		{"--addr", "0.0.0.0:8080", "--insecure-public-http"},
	} {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var c serverConfig
		c.register(fs, env{getenv: noEnv}, "127.0.0.1:8080")
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if err := c.validate(); err != nil {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestSlowClientsAreCutOff: a client that trickles its headers, or its body, is disconnected once
// the server's timeouts pass, while other clients are served.
func TestSlowClientsAreCutOff(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := store.Open(ctx, filepath.Join(dir, "vaern.db"), wire.StoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var c serverConfig
	c.register(fs, env{getenv: noEnv}, "127.0.0.1:0")
	fs.Parse(nil)
	if err := c.validate(); err != nil {
		t.Fatal(err)
	}
	c.timeouts = timeouts{readHeader: 500 * time.Millisecond, read: 1500 * time.Millisecond}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var logs syncBuffer
	go func() {
		done <- serve(ctx, env{getenv: noEnv, stdout: io.Discard, stderr: &logs}, c, st, false, func(u string) { ready <- u })
	}()
	var addr string
	select {
	case u := <-ready:
		addr = strings.TrimPrefix(u, "http://")
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not start")
	}

	// trickle writes parts every 100 ms and reports how long the server took to hang up.
	trickle := func(start string, part string) time.Duration {
		t.Helper()
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		t0 := time.Now()
		if _, err := conn.Write([]byte(start)); err != nil {
			t.Fatal(err)
		}
		closed := make(chan struct{})
		go func() {
			io.Copy(io.Discard, conn) // returns when the server closes the connection
			close(closed)
		}()
		for {
			select {
			case <-closed:
				return time.Since(t0)
			case <-time.After(100 * time.Millisecond):
			}
			if time.Since(t0) > 10*time.Second {
				t.Fatalf("the server kept a slow client (%q…) for 10 s", start[:20])
			}
			conn.Write([]byte(part))
		}
	}
	if d := trickle("GET /healthz HTTP/1.1\r\nHost: x\r\n", "X-Slow: a\r\n"); d > 3*time.Second {
		t.Fatalf("slow headers cut off after %s", d)
	}
	if d := trickle("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nemail=", "a"); d > 5*time.Second {
		t.Fatalf("slow body cut off after %s", d)
	}
	// Meanwhile a normal client is served.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
	b, _ := io.ReadAll(conn)
	conn.Close()
	if !strings.HasPrefix(string(b), "HTTP/1.1 200") {
		t.Fatalf("a normal request: %q", b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}
