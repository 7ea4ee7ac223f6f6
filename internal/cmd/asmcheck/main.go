// Command asmcheck checks the instructions that edgeq's arm64 assembly
// writes as raw words. The Go assembler lacks many signed-integer vector
// instructions (SDOT, SMULL, SQRDMULH, ...), so the kernels encode them as
//
//	WORD $0x4e8394b0 // sdot v16.4s, v5.16b, v3.16b
//
// asmcheck assembles every such comment with the GNU assembler for aarch64
// (binutils-aarch64-linux-gnu) and compares the result with the word, so
// that the two cannot drift apart. With -w it rewrites the words from the
// comments instead, which is how new instructions are encoded: write
// `WORD $0 // mnemonic` and run asmcheck -w.
//
//	go run ./internal/cmd/asmcheck [-w] [-as aarch64-linux-gnu-as] [file.s ...]
//
// Without file arguments it checks kernels/*_arm64.s. It exits 1 when a
// word differs or a comment does not assemble, 2 on usage errors.
package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// wordLine matches `WORD $0x... // mnemonic`, keeping the text around the
// number so that -w can rewrite it in place.
var wordLine = regexp.MustCompile(`^(\s*WORD\s+\$)(0x[0-9a-fA-F]+|[0-9]+)(\s*//\s*)(.*?)\s*$`)

// anyWord matches every WORD directive, to catch ones without a comment.
var anyWord = regexp.MustCompile(`^\s*WORD\s`)

type word struct {
	file     string
	line     int // 1-based
	value    uint32
	mnemonic string
}

func main() {
	write := flag.Bool("w", false, "rewrite the words from their comments instead of checking them")
	as := flag.String("as", "aarch64-linux-gnu-as", "GNU assembler for aarch64")
	march := flag.String("march", "armv8.2-a+dotprod+i8mm", "architecture the comments are assembled for")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: asmcheck [-w] [-as ASSEMBLER] [file.s ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	files := flag.Args()
	if len(files) == 0 {
		var err error
		files, err = filepath.Glob("kernels/*_arm64.s")
		if err != nil || len(files) == 0 {
			fmt.Fprintln(os.Stderr, "asmcheck: no kernels/*_arm64.s here; run it from the repository root or name the files")
			os.Exit(2)
		}
	}
	n, bad, err := run(files, *as, *march, *write)
	if err != nil {
		fmt.Fprintln(os.Stderr, "asmcheck:", err)
		os.Exit(1)
	}
	if bad > 0 {
		fmt.Fprintf(os.Stderr, "asmcheck: %d of %d words differ from their comments\n", bad, n)
		os.Exit(1)
	}
	verb := "match their comments"
	if *write {
		verb = "written from their comments"
	}
	fmt.Printf("asmcheck: %d words in %d files %s\n", n, len(files), verb)
}

func run(files []string, as, march string, write bool) (n, bad int, err error) {
	var words []word
	texts := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return 0, 0, err
		}
		lines := strings.Split(string(data), "\n")
		texts[f] = lines
		for i, l := range lines {
			m := wordLine.FindStringSubmatch(l)
			if m == nil {
				if anyWord.MatchString(l) {
					return 0, 0, fmt.Errorf("%s:%d: WORD without a `// mnemonic` comment", f, i+1)
				}
				continue
			}
			v, err := strconv.ParseUint(m[2], 0, 32)
			if err != nil {
				return 0, 0, fmt.Errorf("%s:%d: %v", f, i+1, err)
			}
			words = append(words, word{file: f, line: i + 1, value: uint32(v), mnemonic: m[4]})
		}
	}
	if len(words) == 0 {
		return 0, 0, nil
	}
	enc, err := assemble(as, march, words)
	if err != nil {
		return 0, 0, err
	}
	for i, w := range words {
		if enc[i] == w.value {
			continue
		}
		if write {
			lines := texts[w.file]
			m := wordLine.FindStringSubmatch(lines[w.line-1])
			lines[w.line-1] = fmt.Sprintf("%s0x%08x%s%s", m[1], enc[i], m[3], m[4])
			continue
		}
		bad++
		fmt.Printf("%s:%d: WORD $0x%08x, but %q assembles to 0x%08x\n", w.file, w.line, w.value, w.mnemonic, enc[i])
	}
	if write {
		for _, f := range files {
			if err := os.WriteFile(f, []byte(strings.Join(texts[f], "\n")), 0o644); err != nil {
				return 0, 0, err
			}
		}
	}
	return len(words), bad, nil
}

// assemble returns the encoding of every word's mnemonic. Each mnemonic
// must assemble to exactly one instruction; a label after each one tells
// which line an assembler error belongs to.
func assemble(as, march string, words []word) ([]uint32, error) {
	dir, err := os.MkdirTemp("", "asmcheck")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var src bytes.Buffer
	for _, w := range words {
		fmt.Fprintf(&src, "\t%s\n", w.mnemonic)
	}
	srcPath, objPath := filepath.Join(dir, "words.s"), filepath.Join(dir, "words.o")
	if err := os.WriteFile(srcPath, src.Bytes(), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(as, "-march="+march, "-o", objPath, srcPath)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, lookErr := exec.LookPath(as); lookErr != nil {
			return nil, fmt.Errorf("%s not found (apt-get install binutils-aarch64-linux-gnu): %v", as, lookErr)
		}
		return nil, fmt.Errorf("%s: %v\n%s", as, err, explain(out, words))
	}
	f, err := elf.Open(objPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	text := f.Section(".text")
	if text == nil {
		return nil, fmt.Errorf("%s produced no .text", as)
	}
	code, err := text.Data()
	if err != nil {
		return nil, err
	}
	if len(code) != 4*len(words) {
		return nil, fmt.Errorf("%d comments assembled to %d bytes, want one instruction each", len(words), len(code))
	}
	enc := make([]uint32, len(words))
	for i := range enc {
		enc[i] = binary.LittleEndian.Uint32(code[4*i:])
	}
	return enc, nil
}

// explain maps the assembler's "words.s:N:" line numbers back to the
// source lines.
func explain(out []byte, words []word) string {
	re := regexp.MustCompile(`words\.s:(\d+):`)
	return re.ReplaceAllStringFunc(string(out), func(s string) string {
		n, _ := strconv.Atoi(re.FindStringSubmatch(s)[1])
		if n >= 1 && n <= len(words) {
			return fmt.Sprintf("%s:%d:", words[n-1].file, words[n-1].line)
		}
		return s
	})
}
