// Command train fits builtin-3 from the labelled corpus and writes its weights file. It also
// measures the result: 5-fold cross-validation on the training corpus, then the held-out file
// (which is never used to choose features or options), and can write both into the README.
//
//	go generate ./app/ai          (from the repository root; runs the line in app/ai/model.go)
//	go run ./app/ai/train -corpus app/ai/corpus -out app/ai/builtin3.json -readme-report README.md
//
// To choose options (cross-validation on the training corpus only; the held-out file is not read):
//
//	go run ./app/ai/train -corpus app/ai/corpus -cv-only [-l2 0.002 -epochs 60 -critical 0.2 -seed 4] [-mistakes]
//
// To measure builtin-3 combined with an openai_compatible model (e.g. a local Ollama) on the
// held-out file, as triage combines them (masked text, schema-checked JSON, handoff if either says so):
//
//	AI_KEY=… go run ./app/ai/train -corpus app/ai/corpus -with-model-url http://localhost:11434/v1 -with-model llama3.1 -with-model-key-env AI_KEY
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"highvibe/app/ai"
)

func main() {
	corpus := flag.String("corpus", "corpus", "folder with train.txt and heldout.txt")
	out := flag.String("out", "builtin3.json", "weights file to write")
	readme := flag.String("readme-report", "", "README to update between the builtin-3 evaluation markers (empty: print only)")
	cvOnly := flag.Bool("cv-only", false, "only cross-validate on the training corpus (never reads the held-out file, writes nothing): the mode for choosing options")
	modelURL := flag.String("with-model-url", "", "evaluate builtin-3 combined with this openai_compatible base URL on the held-out file (writes nothing)")
	modelName := flag.String("with-model", "", "with -with-model-url: the model name")
	modelKeyEnv := flag.String("with-model-key-env", "", "with -with-model-url: the environment variable holding the API key (empty: none)")
	ticketsCV := flag.Bool("tickets-cv", false, "only cross-validate the ticket model on corpus/tickets_train.txt (never reads the held-out table, writes nothing)")
	mistakes := flag.Bool("mistakes", false, "with -cv-only: list the training messages the folds got wrong (handoff, band or intents)")
	o := ai.DefaultTrainOptions
	flag.IntVar(&o.Epochs, "epochs", o.Epochs, "with -cv-only: passes over the corpus")
	flag.Float64Var(&o.Rate, "rate", o.Rate, "with -cv-only: first learning rate")
	flag.Float64Var(&o.L2, "l2", o.L2, "with -cv-only: weight decay")
	flag.IntVar(&o.MinCount, "mincount", o.MinCount, "with -cv-only: messages a feature must fire in")
	flag.Float64Var(&o.Critical, "critical", o.Critical, "with -cv-only: complaint/legal probability that hands off")
	flag.Int64Var(&o.Seed, "seed", o.Seed, "with -cv-only: shuffling and fold seed")
	flag.Float64Var(&o.Prune, "prune", o.Prune, "with -cv-only: smallest weight kept")
	flag.Parse()
	if *ticketsCV {
		to := ai.TicketTrainOptions
		flag.Visit(func(f *flag.Flag) { // the option flags given apply to the ticket model here
			switch f.Name {
			case "epochs":
				to.Epochs = o.Epochs
			case "rate":
				to.Rate = o.Rate
			case "l2":
				to.L2 = o.L2
			case "mincount":
				to.MinCount = o.MinCount
			case "seed":
				to.Seed = o.Seed
			case "prune":
				to.Prune = o.Prune
			}
		})
		train, err := loadTickets(filepath.Join(*corpus, "tickets_train.txt"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "train:", err)
			os.Exit(1)
		}
		ev := ai.CrossValidateTickets(train, 5, to)
		fmt.Print(ev.Report(fmt.Sprintf("5-fold cross-validation, %+v", to)))
		if *mistakes {
			printMisses(ev)
		}
		return
	}
	if *cvOnly {
		train, err := load(filepath.Join(*corpus, "train.txt"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "train:", err)
			os.Exit(1)
		}
		ev := ai.CrossValidate(train, 5, o)
		fmt.Print(ev.Report(fmt.Sprintf("5-fold cross-validation, %+v", o)))
		if *mistakes {
			for _, w := range ev.Wrong {
				fmt.Printf("line %d: label %v %s %s, got %v %s %s | %s | %s\n", w.Line, w.Example.Handoff, w.Example.Band, strings.Join(w.Example.Intents, ","),
					w.Handoff, w.Band, strings.Join(w.Intents, ","), w.Text, strings.Join(w.History, " || "))
			}
		}
		return
	}
	if *modelURL != "" {
		held, err := load(filepath.Join(*corpus, "heldout.txt"))
		if err != nil {
			fmt.Fprintln(os.Stderr, "train:", err)
			os.Exit(1)
		}
		cfg := ai.ProviderConfig{BaseURL: *modelURL, Model: *modelName, Privacy: "masked"}
		if *modelKeyEnv != "" {
			cfg.APIKey = os.Getenv(*modelKeyEnv)
		}
		cl := &ai.Client{}
		ask := func(text string, history []string) (*ai.ModelTriage, error) {
			t, _, err := ai.AskModelTriage(context.Background(), cl, cfg, text, ai.CustomerTurns(history))
			return t, err
		}
		fmt.Print(ai.Evaluate(ai.Builtin3(), held).Report("Held-out file, builtin-3 alone") +
			ai.EvaluateWith(ai.Builtin3(), held, ask).Report("Held-out file, builtin-3 with "+*modelName))
		return
	}
	if err := run(*corpus, *out, *readme); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

func load(path string) ([]ai.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ex, err := ai.ParseCorpus(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ex, nil
}

func run(corpus, out, readme string) error {
	train, err := load(filepath.Join(corpus, "train.txt"))
	if err != nil {
		return err
	}
	held, err := load(filepath.Join(corpus, "heldout.txt"))
	if err != nil {
		return err
	}
	o := ai.DefaultTrainOptions
	m := ai.Train(train, o)
	if err := os.WriteFile(out, encode(m), 0o644); err != nil {
		return err
	}
	cv := ai.CrossValidate(train, 5, o)
	ho := ai.Evaluate(m, held)
	report := fmt.Sprintf("Trained on %d messages (%d weights kept); options %+v.\n\n", len(train), countWeights(m), o) +
		cv.Report("5-fold cross-validation on the training corpus") + ho.Report("Held-out file")
	fmt.Print(report)
	tickets, err := trainTickets(corpus, filepath.Join(filepath.Dir(out), "tickets.json"))
	if err != nil {
		return err
	}
	fmt.Print(tickets)
	if readme == "" {
		return nil
	}
	if err := replaceSection(readme, beginMark, endMark, report); err != nil {
		return err
	}
	return replaceSection(readme, ticketsBegin, ticketsEnd, tickets)
}

func loadTickets(path string) ([]ai.TicketExample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ex, err := ai.ParseTickets(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ex, nil
}

// trainTickets fits the ticket model on tickets_train.txt, writes its weights and measures it:
// cross-validation on the training file, then the held-out table (never trained on).
func trainTickets(corpus, out string) (string, error) {
	train, err := loadTickets(filepath.Join(corpus, "tickets_train.txt"))
	if err != nil {
		return "", err
	}
	held, err := loadTickets(filepath.Join(corpus, "tickets_heldout.txt"))
	if err != nil {
		return "", err
	}
	o := ai.TicketTrainOptions
	m := ai.TrainTickets(train, o)
	if err := os.WriteFile(out, encode(m), 0o644); err != nil {
		return "", err
	}
	return fmt.Sprintf("Ticket model trained on %d tickets (%d weights kept); options %+v.\n\n", len(train), countWeights(m), o) +
		ai.CrossValidateTickets(train, 5, o).Report("5-fold cross-validation on the ticket training corpus") +
		ai.EvaluateTickets(m, held).Report("Held-out ticket table"), nil
}

func printMisses(ev *ai.TicketEvaluation) {
	for _, w := range ev.Wrong {
		fmt.Printf("line %d: label %s %s, got %s %s | %s\n", w.Line, w.TicketExample.Category, w.TicketExample.Priority, w.Category, w.Priority, w.Text)
	}
}

const (
	beginMark    = "<!-- builtin-3 evaluation: written by go generate ./app/ai -->"
	endMark      = "<!-- end of builtin-3 evaluation -->"
	ticketsBegin = "<!-- ticket model evaluation: written by go generate ./app/ai -->"
	ticketsEnd   = "<!-- end of ticket model evaluation -->"
)

// replaceSection swaps the text between two markers of the README.
func replaceSection(path, beginMark, endMark, report string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(raw)
	i, j := strings.Index(s, beginMark), strings.Index(s, endMark)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no markers %q … %q", path, beginMark, endMark)
	}
	s = s[:i+len(beginMark)] + "\n" + report + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}

func countWeights(m *ai.Model) int {
	n := 0
	for _, ws := range m.Weights {
		n += len(ws)
	}
	return n
}

// encode writes the weights one feature per line, sorted, so a retrained model diffs readably.
func encode(m *ai.Model) []byte {
	var b bytes.Buffer
	head, _ := json.Marshal(map[string]any{"model": m.Name, "outputs": m.Outputs, "critical": m.Critical})
	b.Write(head[:len(head)-1])
	b.WriteString(`,"weights":{` + "\n")
	var names []string
	for n := range m.Weights {
		names = append(names, n)
	}
	slices.Sort(names)
	for i, n := range names {
		k, _ := json.Marshal(n)
		v, _ := json.Marshal(m.Weights[n])
		b.Write(k)
		b.WriteString(":")
		b.Write(v)
		if i < len(names)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}}\n")
	return b.Bytes()
}
