package depsprobe

import (
	_ "github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/kljensen/snowball/english"
	_ "github.com/ledongthuc/pdf"
	_ "github.com/pgvector/pgvector-go"
	_ "github.com/pgvector/pgvector-go/pgx"
	_ "github.com/sashabaranov/go-openai"
	_ "github.com/tmc/langchaingo/llms"
	_ "github.com/viterin/vek/vek32"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/net/html"
	_ "golang.org/x/text/unicode/norm"
)
