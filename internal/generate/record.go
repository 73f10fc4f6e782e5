package generate

import (
	"bytes"
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/recommend"
	"github.com/fwgen/fwgen/internal/render"
	"github.com/fwgen/fwgen/internal/source"
)

// RecordFile is the name of the answers record at a project's root.
const RecordFile = manifest.RecordFile

// recordFile writes what produced the project: fwgen and template versions,
// the recommendation, and every answer, in question order so that diffs of
// the record stay readable. Answers to secret questions are left out.
// A git template also records where it came from and the commit it was at,
// so a replay or an update gets the same template bytes.
func recordFile(version string, t *source.Template, typed map[string]any, r *Recommendation) (render.File, error) {
	var rec recommend.Answers
	var res *recommend.Result
	var recorded any
	if r != nil {
		rec, res, recorded = r.Answers, r.Result, r.Recorded
	}
	doc := &yaml.Node{Kind: yaml.MappingNode}
	add := func(key string, value any) error {
		var v yaml.Node
		if err := v.Encode(value); err != nil {
			return fmt.Errorf("recording %s: %w", key, err)
		}
		doc.Content = append(doc.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &v)
		return nil
	}
	type field struct {
		k string
		v any
	}
	meta := []field{{"_fwgen_version", version}, {"_template", t.Name}, {"_template_version", t.Version}}
	if t.Kind != source.Builtin {
		meta = append(meta, field{"_template_source", t.Location})
	}
	if t.Ref != "" {
		meta = append(meta, field{"_template_ref", t.Ref})
	}
	if t.Commit != "" {
		meta = append(meta, field{"_template_commit", t.Commit})
	}
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
