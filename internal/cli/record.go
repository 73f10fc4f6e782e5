package cli

import (
	"bytes"
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/recommend"
	"github.com/fwgen/fwgen/internal/render"
)

// RecordFile is the name of the answers record at a project's root.
const RecordFile = manifest.RecordFile

// recordFile writes what produced the project: fwgen and template versions,
// the recommendation, and every answer, in question order so that diffs of
// the record stay readable. Answers to secret questions are left out.
// recorded is a replayed project's _recommendation, kept as it was.
func recordFile(version string, t *manifest.Template, typed map[string]any, rec recommend.Answers, res *recommend.Result, recorded any) (render.File, error) {
	doc := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, value any) error {
		var v yaml.Node
		if err := v.Encode(value); err != nil {
			return fmt.Errorf("recording %s: %w", key, err)
		}
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &v)
		return nil
	}
	meta := []struct {
		k string
		v any
	}{{"_fwgen_version", version}, {"_template", t.Name}, {"_template_version", t.Version}}
	for _, m := range meta {
		if err := add(m.k, m.v); err != nil {
			return render.File{}, err
		}
	}
	if res != nil {
		// The contract's JSON form, as plain maps: a replay reads it back as
		// maps, and both must write the same bytes.
		raw, err := json.Marshal(res)
		if err != nil {
			return render.File{}, fmt.Errorf("recording the recommendation: %w", err)
		}
		if err := json.Unmarshal(raw, &recorded); err != nil {
			return render.File{}, fmt.Errorf("recording the recommendation: %w", err)
		}
	}
	if recorded != nil {
		if err := add("_recommendation", recorded); err != nil {
			return render.File{}, err
		}
	}
	for _, k := range t.Keys() {
		if q, _ := t.Question(k); q.Secret {
			continue
		}
		if err := add(k, typed[k]); err != nil {
			return render.File{}, err
		}
	}
	for _, k := range recommend.Keys() {
		if v, ok := rec[k]; ok {
			if err := add(k, v); err != nil {
				return render.File{}, err
			}
		}
	}
	var body bytes.Buffer
	body.WriteString("# Written by fwgen: how this project was generated. Replay it with\n" +
		"#   fwgen new NAME --answers .fwgen.yaml --no-input\n")
	enc := yaml.NewEncoder(&body)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return render.File{}, fmt.Errorf("recording answers: %w", err)
	}
	if err := enc.Close(); err != nil {
		return render.File{}, fmt.Errorf("recording answers: %w", err)
	}
	return render.File{Path: RecordFile, Data: body.Bytes(), Mode: 0o644}, nil
}
