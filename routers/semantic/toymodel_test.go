//go:build cgo

package semantic

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// Toy ONNX models, written as protobuf by hand, for the paths the shared
// models do not have (last_hidden_state, 2 labels) and for models with the
// wrong inputs or outputs. Their outputs are simple functions of the ids,
// so expected values are arithmetic on the token ids.

// ONNX element types.
const (
	onnxFloat = 1
	onnxInt64 = 7
)

type toyTensor struct {
	name  string
	elem  int
	shape []any // int64 for a fixed size, string for a named dynamic axis
}

type toyNode struct {
	op      string
	inputs  []string
	outputs []string
	ints    map[string]int64   // INT attributes
	intss   map[string][]int64 // INTS attributes
}

type toyInit struct {
	name   string
	dims   []int64
	int64s []int64
	floats []float32
}

type toyGraph struct {
	inputs, outputs []toyTensor
	nodes           []toyNode
	inits           []toyInit
}

func appendString(b []byte, field protowire.Number, s string) []byte {
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func appendMessage(b []byte, field protowire.Number, m []byte) []byte {
	b = protowire.AppendTag(b, field, protowire.BytesType)
	return protowire.AppendBytes(b, m)
}

func appendInt(b []byte, field protowire.Number, v int64) []byte {
	b = protowire.AppendTag(b, field, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(v))
}

// valueInfo is an ONNX ValueInfoProto.
func (t toyTensor) valueInfo() []byte {
	var shape []byte
	for _, d := range t.shape {
		var dim []byte
		switch d := d.(type) {
		case int:
			dim = appendInt(nil, 1, int64(d))
		case string:
			dim = appendString(nil, 2, d)
		}
		shape = appendMessage(shape, 1, dim)
	}
	tensor := appendInt(nil, 1, int64(t.elem))
	tensor = appendMessage(tensor, 2, shape)
	typ := appendMessage(nil, 1, tensor)
	return appendMessage(appendString(nil, 1, t.name), 2, typ)
}

func (n toyNode) proto() []byte {
	var b []byte
	for _, in := range n.inputs {
		b = appendString(b, 1, in)
	}
	for _, out := range n.outputs {
		b = appendString(b, 2, out)
	}
	b = appendString(b, 4, n.op)
	for name, v := range n.ints {
		a := appendString(nil, 1, name)
		a = appendInt(a, 3, v)
		a = appendInt(a, 20, 2) // INT
		b = appendMessage(b, 5, a)
	}
	for name, vs := range n.intss {
		a := appendString(nil, 1, name)
		for _, v := range vs {
			a = appendInt(a, 8, v)
		}
		a = appendInt(a, 20, 7) // INTS
		b = appendMessage(b, 5, a)
	}
	return b
}

func (i toyInit) proto() []byte {
	var b []byte
	for _, d := range i.dims {
		b = appendInt(b, 1, d)
	}
	if i.floats != nil {
		b = appendInt(b, 2, onnxFloat)
		var packed []byte
		for _, f := range i.floats {
			packed = protowire.AppendFixed32(packed, math.Float32bits(f))
		}
		b = appendMessage(b, 4, packed)
	} else {
		b = appendInt(b, 2, onnxInt64)
		var packed []byte
		for _, v := range i.int64s {
			packed = protowire.AppendVarint(packed, uint64(v))
		}
		b = appendMessage(b, 7, packed)
	}
	return appendString(b, 8, i.name)
}

// model is the ModelProto bytes: IR version 8, opset 17.
func (g toyGraph) model() []byte {
	var graph []byte
	for _, n := range g.nodes {
		graph = appendMessage(graph, 1, n.proto())
	}
	graph = appendString(graph, 2, "toy")
	for _, i := range g.inits {
		graph = appendMessage(graph, 5, i.proto())
	}
	for _, t := range g.inputs {
		graph = appendMessage(graph, 11, t.valueInfo())
	}
	for _, t := range g.outputs {
		graph = appendMessage(graph, 12, t.valueInfo())
	}
	m := appendInt(nil, 1, 8)
	m = appendMessage(m, 7, graph)
	return appendMessage(m, 8, appendInt(appendString(nil, 1, ""), 2, 17))
}

// toyDir writes the graph as DIR/model.onnx beside a copy of tiny-bert's
// tokenizer files (in a temporary directory, not in the repository).
func toyDir(t *testing.T, g toyGraph) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"tokenizer.json", "tokenizer_config.json"} {
		b, err := os.ReadFile(filepath.Join(models, "tiny-bert", f))
		if err != nil {
			t.Skipf("needs tiny-bert's tokenizer files in %s (shared/ beside the checkout, the development and CI layout): %v", models, err)
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	if err := os.WriteFile(filepath.Join(dir, "model.onnx"), g.model(), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

var (
	idsIn   = toyTensor{"input_ids", onnxInt64, []any{"batch", "seq"}}
	maskIn  = toyTensor{"attention_mask", onnxInt64, []any{"batch", "seq"}}
	typesIn = toyTensor{"token_type_ids", onnxInt64, []any{"batch", "seq"}}
)

// hiddenGraph: last_hidden_state[b, s] = [input_ids[b, s], attention_mask[b, s]]
// as floats, so h_CLS = [101, 1] and the masked mean of a text with ids
// x_1..x_n is [mean(x), 1].
func hiddenGraph(inputs ...toyTensor) toyGraph {
	return toyGraph{
		inputs:  inputs,
		outputs: []toyTensor{{"last_hidden_state", onnxFloat, []any{"batch", "seq", 2}}},
		inits:   []toyInit{{name: "axis2", dims: []int64{1}, int64s: []int64{2}}},
		nodes: []toyNode{
			{op: "Cast", inputs: []string{inputs[0].name}, outputs: []string{"idsf"}, ints: map[string]int64{"to": onnxFloat}},
			{op: "Cast", inputs: []string{inputs[1].name}, outputs: []string{"maskf"}, ints: map[string]int64{"to": onnxFloat}},
			{op: "Unsqueeze", inputs: []string{"idsf", "axis2"}, outputs: []string{"a"}},
			{op: "Unsqueeze", inputs: []string{"maskf", "axis2"}, outputs: []string{"b"}},
			{op: "Concat", inputs: []string{"a", "b"}, outputs: []string{"last_hidden_state"}, ints: map[string]int64{"axis": 2}},
		},
	}
}

// classifierGraph: logits = m * weights, m = the mean of the ids over the
// real tokens ([batch, 1] times [1, labels]).
func classifierGraph(weights []float32) toyGraph {
	return toyGraph{
		inputs:  []toyTensor{idsIn, maskIn},
		outputs: []toyTensor{{"logits", onnxFloat, []any{"batch", len(weights)}}},
		inits: []toyInit{
			{name: "axis1", dims: []int64{1}, int64s: []int64{1}},
			{name: "weights", dims: []int64{1, int64(len(weights))}, floats: weights},
		},
		nodes: []toyNode{
			{op: "Cast", inputs: []string{"input_ids"}, outputs: []string{"idsf"}, ints: map[string]int64{"to": onnxFloat}},
			{op: "Cast", inputs: []string{"attention_mask"}, outputs: []string{"maskf"}, ints: map[string]int64{"to": onnxFloat}},
			{op: "Mul", inputs: []string{"idsf", "maskf"}, outputs: []string{"masked"}},
			{op: "ReduceSum", inputs: []string{"masked", "axis1"}, outputs: []string{"sum"}, ints: map[string]int64{"keepdims": 1}},
			{op: "ReduceSum", inputs: []string{"maskf", "axis1"}, outputs: []string{"count"}, ints: map[string]int64{"keepdims": 1}},
			{op: "Div", inputs: []string{"sum", "count"}, outputs: []string{"mean"}},
			{op: "Mul", inputs: []string{"mean", "weights"}, outputs: []string{"logits"}},
		},
	}
}
