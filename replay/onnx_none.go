//go:build !cgo

package replay

import (
	"context"
	"errors"

	"github.com/edgeroute/edgeroute/routers"
)

// Without cgo there is no ONNX Runtime binding: the bert and encoder
// routers say so, and every other router works.

// errNoONNX says how to get a build with the ONNX routers.
var errNoONNX = errors.New("this evalrun was built without cgo, so it has no ONNX Runtime support: rebuild it with a C compiler installed (CGO_ENABLED=1, e.g. apt install gcc; go install ./cmd/evalrun)")

type modelSet struct{}

func (modelSet) close() {}

func buildBERT(context.Context, *session, Router, int64) (routers.Router, error) {
	return nil, errNoONNX
}

func buildEncoder(context.Context, *session, Router, int64) (routers.Router, error) {
	return nil, errNoONNX
}

func bertOutputs(*session, Router) (*routerModel, error) { return nil, errNoONNX }

func encoderOutputs(*session, Router) (*routerModel, error) { return nil, errNoONNX }
