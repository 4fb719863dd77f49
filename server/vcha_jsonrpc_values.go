package server

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/failoverkit/failoverkit/gen/vcha"
)

// vAPI JSON-RPC encodes values with their type (VMware's Python runtime,
// vmware/vapi/data/serializers/jsonrpc.py at vsphere-automation-sdk-python
// 199b26f1): {"STRUCTURE": {"<name>": {fields}}}, {"OPTIONAL": v|null},
// {"SECRET": s}, {"ERROR": {"<name>": {fields}}}, a map as a list of
// "map-entry" structures, and plain JSON for strings, booleans, numbers and
// lists. A vapiType says how one value is encoded; vapiEncode turns the /api
// answer's plain JSON into that form, vapiDecode turns an input back into it.

type vapiKind int

const (
	vapiString vapiKind = iota
	vapiBool
	vapiInt
	vapiOptional
	vapiList
	vapiStruct
	vapiSecret
	vapiMap     // map of string to elem
	vapiErrorV  // any vAPI error (its name follows error_type)
	vapiDynamic // opaque or dynamic structure
)

// vapiType is one vAPI type: a structure's name and fields, the element of
// an optional, list or map.
type vapiType struct {
	kind   vapiKind
	name   string
	fields []vapiField
	elem   *vapiType
}

type vapiField struct {
	name string
	typ  *vapiType
}

var (
	tString  = &vapiType{kind: vapiString}
	tBool    = &vapiType{kind: vapiBool}
	tInt     = &vapiType{kind: vapiInt}
	tSecret  = &vapiType{kind: vapiSecret}
	tDynamic = &vapiType{kind: vapiDynamic}
	tAnyErr  = &vapiType{kind: vapiErrorV}
)

func optional(t *vapiType) *vapiType { return &vapiType{kind: vapiOptional, elem: t} }
func listOf(t *vapiType) *vapiType   { return &vapiType{kind: vapiList, elem: t} }
func mapOf(t *vapiType) *vapiType    { return &vapiType{kind: vapiMap, elem: t} }

// structure declares a structure type; fields alternate name, type.
func structure(name string, fields ...any) *vapiType {
	t := &vapiType{kind: vapiStruct, name: name}
	for i := 0; i+1 < len(fields); i += 2 {
		t.fields = append(t.fields, vapiField{name: fields[i].(string), typ: fields[i+1].(*vapiType)})
	}
	return t
}

// The structures of com/vmware/vapi/std_client.py, com/vmware/cis_client.py,
// com/vmware/cis/task_client.py and com/vmware/vcenter/vcha/cluster_client.py.
var tLocalizableMessage, tTaskInfo, tSessionInfo, tModeInfo = vapiStdTypes()

func vapiStdTypes() (msg, taskInfo, sessionInfo, modeInfo *vapiType) {
	param := structure("com.vmware.vapi.std.localization_param")
	nested := structure("com.vmware.vapi.std.nested_localizable_message",
		"id", tString, "params", optional(mapOf(param)))
	param.fields = structure("", "s", optional(tString), "dt", optional(tString), "i", optional(tInt),
		"d", optional(tDynamic), "l", optional(nested), "format", optional(tString), "precision", optional(tInt)).fields
	msg = structure("com.vmware.vapi.std.localizable_message", "id", tString, "default_message", tString,
		"args", listOf(tString), "params", optional(mapOf(param)), "localized", optional(tString))
	progress := structure("com.vmware.cis.task.progress", "total", tInt, "completed", tInt, "message", msg)
	target := structure("com.vmware.vapi.std.dynamic_ID", "type", tString, "id", tString)
	taskInfo = structure("com.vmware.cis.task.info",
		"progress", optional(progress), "result", optional(tDynamic), "description", msg,
		"service", tString, "operation", tString, "parent", optional(tString), "target", optional(target),
		"status", tString, "cancelable", tBool, "error", optional(tAnyErr),
		"start_time", optional(tString), "end_time", optional(tString), "user", optional(tString))
	sessionInfo = structure("com.vmware.cis.session.info",
		"user", tString, "created_time", tString, "last_accessed_time", tString)
	modeInfo = structure("com.vmware.vcenter.vcha.cluster.mode.info", "mode", tString)
	return msg, taskInfo, sessionInfo, modeInfo
}

// vapiEncode renders v, plain JSON decoded with UseNumber, as a value of t.
func vapiEncode(t *vapiType, v any) any {
	switch t.kind {
	case vapiOptional:
		if v == nil {
			return map[string]any{"OPTIONAL": nil}
		}
		return map[string]any{"OPTIONAL": vapiEncode(t.elem, v)}
	case vapiList:
		items, _ := v.([]any)
		out := make([]any, len(items))
		for i, item := range items {
			out[i] = vapiEncode(t.elem, item)
		}
		return out
	case vapiStruct:
		return map[string]any{"STRUCTURE": map[string]any{t.name: encodeFields(t, v)}}
	case vapiSecret:
		return map[string]any{"SECRET": v}
	case vapiMap:
		return encodeMap(t, v)
	case vapiErrorV:
		return encodeError(v)
	case vapiDynamic:
		return encodeDynamic(v)
	}
	return v
}

func encodeFields(t *vapiType, v any) map[string]any {
	obj, _ := v.(map[string]any)
	fields := make(map[string]any, len(t.fields))
	for _, f := range t.fields {
		fields[f.name] = vapiEncode(f.typ, obj[f.name])
	}
	return fields
}

// encodeMap renders a map as vAPI does: a list of map-entry structures,
// in key order.
func encodeMap(t *vapiType, v any) []any {
	obj, _ := v.(map[string]any)
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]any, 0, len(keys))
	for _, k := range keys {
		out = append(out, map[string]any{"STRUCTURE": map[string]any{"map-entry": map[string]any{
			"key": k, "value": vapiEncode(t.elem, obj[k])}}})
	}
	return out
}

// encodeError renders a Std_Errors_Error (plain JSON) as the vAPI error
// com.vmware.vapi.std.errors.<error_type in lower case>; only
// unauthenticated declares challenge (com/vmware/vapi/std/errors_client.py).
func encodeError(v any) any {
	obj, _ := v.(map[string]any)
	typ, _ := obj["error_type"].(string)
	t := structure(vapiErrorName(typ),
		"messages", listOf(tLocalizableMessage), "data", optional(tDynamic), "error_type", optional(tString))
	if typ == string(vcha.StdErrorsErrorTypeUNAUTHENTICATED) {
		t.fields = append(t.fields, vapiField{name: "challenge", typ: optional(tString)})
	}
	return map[string]any{"ERROR": map[string]any{t.name: encodeFields(t, obj)}}
}

// encodeDynamic renders an untyped value: an object as a dynamic structure
// (failoverkit choice: named "dynamic_struct"), anything else plain.
func encodeDynamic(v any) any {
	switch x := v.(type) {
	case map[string]any:
		fields := make(map[string]any, len(x))
		for k, val := range x {
			fields[k] = encodeDynamic(val)
		}
		return map[string]any{"STRUCTURE": map[string]any{"dynamic_struct": fields}}
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = encodeDynamic(val)
		}
		return out
	}
	return v
}

// vapiDecode reads v, a value of t in the typed encoding, into plain JSON
// (optionals unset are nil); path names the value in errors.
func vapiDecode(t *vapiType, v any, path string) (any, error) {
	switch t.kind {
	case vapiOptional:
		inner, err := wrapped(v, "OPTIONAL", path)
		if err != nil || inner == nil {
			return nil, err
		}
		return vapiDecode(t.elem, inner, path)
	case vapiStruct:
		return decodeStruct(t, v, path)
	case vapiString:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, fmt.Errorf("%s: expected a string", path)
	case vapiBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, fmt.Errorf("%s: expected a boolean", path)
	case vapiInt:
		return decodeInt(v, path)
	case vapiSecret:
		inner, err := wrapped(v, "SECRET", path)
		if s, ok := inner.(string); ok && err == nil {
			return s, nil
		}
		return nil, fmt.Errorf(`%s: expected {"SECRET": "…"}`, path)
	}
	return nil, fmt.Errorf("%s: type not supported in input", path)
}

// decodeInt reads an integer (a float64 from encoding/json, or a
// json.Number) that fits in 64 bits.
func decodeInt(v any, path string) (any, error) {
	switch n := v.(type) {
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<63 {
			return int64(n), nil
		}
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, nil
		}
	}
	return nil, fmt.Errorf("%s: expected an integer", path)
}

// wrapped returns the value of the one-key object {key: value}.
func wrapped(v any, key, path string) (any, error) {
	obj, ok := v.(map[string]any)
	inner, found := obj[key]
	if !ok || len(obj) != 1 || !found {
		return nil, fmt.Errorf(`%s: expected {"%s": …}`, path, key)
	}
	return inner, nil
}

func decodeStruct(t *vapiType, v any, path string) (any, error) {
	inner, err := wrapped(v, "STRUCTURE", path)
	if err != nil {
		return nil, err
	}
	fields, err := wrapped(inner, t.name, path+".STRUCTURE")
	if err != nil {
		return nil, err
	}
	obj, ok := fields.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: the fields of %s must be an object", path, t.name)
	}
	out := make(map[string]any, len(t.fields))
	for _, f := range t.fields {
		fv, present := obj[f.name]
		if !present && f.typ.kind != vapiOptional {
			return nil, fmt.Errorf("%s: missing field %q of %s", path, f.name, t.name)
		}
		if !present {
			continue
		}
		plain, err := vapiDecode(f.typ, fv, path+"."+f.name)
		if err != nil {
			return nil, err
		}
		if plain != nil {
			out[f.name] = plain
		}
	}
	for name := range obj {
		if !slices.ContainsFunc(t.fields, func(f vapiField) bool { return f.name == name }) {
			return nil, fmt.Errorf("%s: unexpected field %q in %s", path, name, t.name)
		}
	}
	return out, nil
}
