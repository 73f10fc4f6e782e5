// Package secret makes secret keys from a random source the caller injects,
// so production uses crypto/rand and tests can pin the bytes.
package secret

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
)

// keyAlphabet is the one Django's get_random_secret_key uses: safe inside
// Python string literals, shell-quoted values and .env files.
const keyAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"

// MaxLen bounds a requested length so a template cannot ask for gigabytes.
const MaxLen = 1024

// Key returns n characters drawn uniformly from keyAlphabet.
func Key(r io.Reader, n int) (string, error) {
	if n < 1 || n > MaxLen {
		return "", fmt.Errorf("secret length %d out of range 1..%d", n, MaxLen)
	}
	// Rejection sampling: bytes at or above the largest multiple of the
	// alphabet size would bias the first characters, so they are drawn again.
	limit := byte(256 - 256%len(keyAlphabet))
	out := make([]byte, 0, n)
	buf := make([]byte, n)
	for len(out) < n {
		if _, err := io.ReadFull(r, buf); err != nil {
			return "", fmt.Errorf("reading random source: %w", err)
		}
		for _, b := range buf {
			if b >= limit {
				continue
			}
			out = append(out, keyAlphabet[int(b)%len(keyAlphabet)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out), nil
}

// Hex returns n random bytes as 2n hexadecimal characters.
func Hex(r io.Reader, n int) (string, error) {
	if n < 1 || n > MaxLen {
		return "", fmt.Errorf("secret length %d out of range 1..%d", n, MaxLen)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("reading random source: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Pinned returns an endless, repeatable byte stream derived from seed, for
// tests and golden files that must not change from run to run. Never use it
// for a real project.
func Pinned(seed string) io.Reader {
	return &pinned{seed: []byte(seed)}
}

type pinned struct {
	seed    []byte
	counter uint64
	buf     []byte
}

func (p *pinned) Read(b []byte) (int, error) {
	n := 0
	for n < len(b) {
		if len(p.buf) == 0 {
			h := sha256.New()
			h.Write(p.seed)
			var c [8]byte
			binary.BigEndian.PutUint64(c[:], p.counter)
			h.Write(c[:])
			p.counter++
			p.buf = h.Sum(nil)
		}
		k := copy(b[n:], p.buf)
		p.buf = p.buf[k:]
		n += k
	}
	return n, nil
}
