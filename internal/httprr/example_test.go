package httprr_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/bedside-ai/bedside/internal/httprr"
)

func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"answer":"recorded"}`)
	}))
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "httprr")
	defer os.RemoveAll(dir)
	cassette := filepath.Join(dir, "example.cassette")

	post := func(rec *httprr.Recorder, base string) string {
		req, _ := http.NewRequest("POST", base+"/v1/chat", strings.NewReader(`{"model":"m","temperature":0}`))
		req.Header.Set("Authorization", "Bearer sk-secret")
		resp, err := rec.Client().Do(req)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}

	rec, _ := httprr.Open(cassette, httprr.Options{Mode: httprr.Record, Salt: "corpus-v1"})
	fmt.Println("record:", post(rec, srv.URL))
	rec.Close()
	srv.Close() // from here on, nothing answers

	rep, _ := httprr.Open(cassette, httprr.Options{Salt: "corpus-v1"})
	fmt.Println("replay:", post(rep, "http://anywhere.invalid"))
	b, _ := os.ReadFile(cassette)
	fmt.Println("key in file:", strings.Contains(string(b), "sk-secret"))
	// Output:
	// record: {"answer":"recorded"}
	// replay: {"answer":"recorded"}
	// key in file: false
}
