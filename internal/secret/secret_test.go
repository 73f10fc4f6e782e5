package secret

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestAlphabet(t *testing.T) {
	if len(keyAlphabet) != 50 {
		t.Fatalf("alphabet has %d characters, want Django's 50", len(keyAlphabet))
	}
	seen := map[rune]bool{}
	for _, r := range keyAlphabet {
		if seen[r] {
			t.Errorf("alphabet repeats %q", r)
		}
		seen[r] = true
		if strings.ContainsRune("\"'\\` \n", r) {
			t.Errorf("alphabet holds %q, unsafe in string literals", r)
		}
	}
}

func TestKeyLengthAndAlphabet(t *testing.T) {
	for _, n := range []int{1, 2, 49, 50, 51, 64, MaxLen} {
		k, err := Key(Pinned("len"), n)
		if err != nil {
			t.Fatalf("Key(%d): %v", n, err)
		}
		if len(k) != n {
			t.Errorf("Key(%d) has length %d", n, len(k))
		}
		if i := strings.IndexFunc(k, func(r rune) bool { return !strings.ContainsRune(keyAlphabet, r) }); i >= 0 {
			t.Errorf("Key(%d) holds %q outside the alphabet", n, k[i])
		}
	}
}

func TestKeyRange(t *testing.T) {
	for _, n := range []int{0, -1, MaxLen + 1, 1 << 30} {
		if k, err := Key(Pinned("x"), n); err == nil {
			t.Errorf("Key(%d) = %q, want a range error", n, k)
		}
		if h, err := Hex(Pinned("x"), n); err == nil {
			t.Errorf("Hex(%d) = %q, want a range error", n, h)
		}
	}
}

// TestKeyUniform draws ~200k characters and applies a chi-square test. The
// stream is pinned so the test is deterministic; the bound (df 49, mean 49)
// is generous, yet dropping the rejection step (bytes 250..255 folding onto
// the first six characters) gives a statistic in the hundreds.
func TestKeyUniform(t *testing.T) {
	r := Pinned("uniformity")
	counts := map[byte]int{}
	total := 0
	for range 200 {
		k, err := Key(r, MaxLen)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(k); i++ {
			counts[k[i]]++
		}
		total += len(k)
	}
	expected := float64(total) / float64(len(keyAlphabet))
	chi := 0.0
	for i := 0; i < len(keyAlphabet); i++ {
		c := counts[keyAlphabet[i]]
		if c == 0 {
			t.Errorf("character %q never drawn", keyAlphabet[i])
		}
		if d := float64(c) - expected; d > 0.1*expected || d < -0.1*expected {
			t.Errorf("character %q drawn %d times, expected about %.0f", keyAlphabet[i], c, expected)
		}
		d := float64(c) - expected
		chi += d * d / expected
	}
	if chi > 120 {
		t.Errorf("chi-square %.1f over %d characters (df 49): not uniform", chi, total)
	}
}

// TestKeyRejectsHighBytes feeds bytes the rejection step must skip (≥ 250,
// whose residues would favour the first characters) among valid ones.
func TestKeyRejectsHighBytes(t *testing.T) {
	// Key reads n bytes at a time: two reads of only 0xFF, then
	// [0 1 250 255 249] and [251 2 49 3 4].
	src := append(bytes.Repeat([]byte{0xFF}, 10), 0, 1, 250, 255, 249, 251, 2, 49, 3, 4)
	k, err := Key(bytes.NewReader(src), 5)
	if err != nil {
		t.Fatal(err)
	}
	// 0 → a, 1 → b, 250 and 255 skipped, 249 → 249%50 = 49 → ')', 251
	// skipped, 2 → c, 49 → ')'; 3 and 4 are not needed.
	if want := "ab)c)"; k != want {
		t.Errorf("Key = %q, want %q", k, want)
	}
}

func TestKeyOnlyRejectedBytesIsAnError(t *testing.T) {
	_, err := Key(bytes.NewReader(bytes.Repeat([]byte{0xFA}, 100)), 8)
	if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		t.Errorf("Key over a source of only rejected bytes = %v, want an EOF error", err)
	}
}

func TestFailingReader(t *testing.T) {
	boom := errors.New("boom")
	if _, err := Key(iotest.ErrReader(boom), 10); !errors.Is(err, boom) {
		t.Errorf("Key error = %v, want it to wrap %v", err, boom)
	}
	if _, err := Hex(iotest.ErrReader(boom), 10); !errors.Is(err, boom) {
		t.Errorf("Hex error = %v, want it to wrap %v", err, boom)
	}
	// A source that runs dry part-way is an error, not a short key.
	if k, err := Key(bytes.NewReader([]byte{1, 2, 3}), 10); err == nil {
		t.Errorf("Key over 3 bytes = %q, want an error", k)
	}
	if h, err := Hex(bytes.NewReader([]byte{1, 2, 3}), 10); err == nil {
		t.Errorf("Hex over 3 bytes = %q, want an error", h)
	}
	// A reader returning data one byte at a time is fine.
	if k, err := Key(iotest.OneByteReader(Pinned("x")), 10); err != nil || len(k) != 10 {
		t.Errorf("Key over a one-byte reader = %q, %v", k, err)
	}
}

func TestHex(t *testing.T) {
	h, err := Hex(bytes.NewReader([]byte{0xde, 0xad, 0xbe, 0xef, 0x00}), 4)
	if err != nil || h != "deadbeef" {
		t.Errorf("Hex = %q, %v, want deadbeef", h, err)
	}
	h, err = Hex(Pinned("hex"), 32)
	if err != nil || len(h) != 64 {
		t.Fatalf("Hex(32) = %q, %v", h, err)
	}
	if _, err := hex.DecodeString(h); err != nil {
		t.Errorf("Hex(32) = %q is not hex: %v", h, err)
	}
}

func TestPinned(t *testing.T) {
	read := func(r io.Reader, n int) []byte {
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	a := read(Pinned("seed"), 1000)
	if b := read(Pinned("seed"), 1000); !bytes.Equal(a, b) {
		t.Error("Pinned is not repeatable")
	}
	// Chunking does not change the stream.
	one := read(iotest.OneByteReader(Pinned("seed")), 1000)
	if !bytes.Equal(a, one) {
		t.Error("Pinned read byte by byte differs from one read")
	}
	r := Pinned("seed")
	var odd []byte
	for _, n := range []int{7, 33, 1, 64, 895} {
		odd = append(odd, read(r, n)...)
	}
	if !bytes.Equal(a, odd) {
		t.Error("Pinned read in odd chunks differs from one read")
	}
	if c := read(Pinned("other"), 1000); bytes.Equal(a, c) {
		t.Error("different seeds give the same stream")
	}
	// The stream is SHA-256(seed || counter) blocks.
	first := sha256.Sum256(append([]byte("seed"), 0, 0, 0, 0, 0, 0, 0, 0))
	second := sha256.Sum256(append([]byte("seed"), 0, 0, 0, 0, 0, 0, 0, 1))
	if !bytes.Equal(a[:32], first[:]) || !bytes.Equal(a[32:64], second[:]) {
		t.Error("Pinned stream is not SHA-256(seed || big-endian counter)")
	}

	k1, _ := Key(Pinned("s"), 50)
	k2, _ := Key(Pinned("s"), 50)
	k3, _ := Key(Pinned("t"), 50)
	if k1 != k2 {
		t.Errorf("Key over the same seed differs: %q vs %q", k1, k2)
	}
	if k1 == k3 {
		t.Errorf("Key over different seeds is the same: %q", k1)
	}
	// Consecutive draws from one source differ.
	r = Pinned("s")
	d1, _ := Key(r, 50)
	d2, _ := Key(r, 50)
	if d1 == d2 {
		t.Error("two draws from one source are equal")
	}
}
