// Core of the selfsup native binding: tensor handle table, the one error guard,
// and template-driven conversion between N-API values and libtorch types.
//
// Tensors cross the boundary as small integer handles (indices into a slot table),
// not as wrapped objects: a JS Tensor holds the number, so creating a result costs
// one slot store and one napi number. All validation with friendly names happens
// in TypeScript; this layer only converts, calls and reports libtorch's errors.
#pragma once

#include <node_api.h>
#include <ATen/ATen.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace ss {

// ---------------------------------------------------------------- handles
// A handle is slot + generation * 2^24 (exact in a JS number). The generation
// changes when a slot is freed, so a stale handle (a finalizer firing after
// dispose(), a disposed tensor) can never reach the slot's next tenant.
constexpr int64_t kSlotBits = 24;
constexpr int64_t kSlotMask = (int64_t{1} << kSlotBits) - 1;
constexpr uint32_t kGenMask = (uint32_t{1} << 28) - 1;

struct Slots {
  std::vector<at::Tensor> tensors;
  std::vector<uint32_t> gens;
  std::vector<int64_t> bytes;  // native bytes reported to V8 for each slot
  std::vector<uint32_t> freeList;
  int64_t liveBytes = 0;
  int64_t reportedBytes = 0;
  size_t live = 0;
};
Slots& slots();
std::vector<at::Generator>& generators();

// Error raised by conversions; the guard prefixes the op name.
struct ArgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int64_t put(napi_env env, at::Tensor&& t);
const at::Tensor& get(napi_env env, napi_value v, size_t index);
void release(napi_env env, int64_t h);
void reportMemory(napi_env env, bool force);

// Throw a JS TorchError (class registered from JS) with the given message.
void throwTorchError(napi_env env, const std::string& message);

#define SS_CHECK(call)                                                   \
  do {                                                                   \
    if ((call) != napi_ok) throw ::ss::ArgError("N-API call failed: " #call); \
  } while (0)

// ---------------------------------------------------------------- JS -> C++
template <typename T>
struct Arg;

inline std::string typeName(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  switch (t) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "boolean";
    case napi_number: return "number";
    case napi_string: return "string";
    case napi_object: return "object";
    case napi_function: return "function";
    default: return "other";
  }
}

inline bool isNullish(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  return t == napi_undefined || t == napi_null;
}

[[noreturn]] inline void badArg(napi_env env, napi_value v, size_t i, const char* expected) {
  throw ArgError("argument " + std::to_string(i) + ": expected " + expected + " but received " +
                 typeName(env, v));
}

template <>
struct Arg<at::Tensor> {
  static const at::Tensor& get(napi_env env, napi_value v, size_t i) { return ss::get(env, v, i); }
};

template <>
struct Arg<double> {
  static double get(napi_env env, napi_value v, size_t i) {
    double d;
    if (napi_get_value_double(env, v, &d) != napi_ok) badArg(env, v, i, "number");
    return d;
  }
};

template <>
struct Arg<int64_t> {
  static int64_t get(napi_env env, napi_value v, size_t i) {
    double d;
    if (napi_get_value_double(env, v, &d) != napi_ok) badArg(env, v, i, "integer");
    // Range first: converting NaN, ±Infinity or out-of-range values to int64 is undefined.
    if (!(std::abs(d) < 9223372036854775808.0) || d != std::trunc(d)) badArg(env, v, i, "integer");
    return static_cast<int64_t>(d);
  }
};

template <>
struct Arg<bool> {
  static bool get(napi_env env, napi_value v, size_t i) {
    bool b;
    if (napi_get_value_bool(env, v, &b) != napi_ok) badArg(env, v, i, "boolean");
    return b;
  }
};

template <>
struct Arg<std::string> {
  static std::string get(napi_env env, napi_value v, size_t i) {
    size_t len;
    if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) badArg(env, v, i, "string");
    std::string s(len, '\0');
    napi_get_value_string_utf8(env, v, s.data(), len + 1, &len);
    return s;
  }
};

template <>
struct Arg<at::Scalar> {
  static at::Scalar get(napi_env env, napi_value v, size_t i) {
    napi_valuetype t;
    napi_typeof(env, v, &t);
    if (t == napi_boolean) return at::Scalar(Arg<bool>::get(env, v, i));
    if (t != napi_number) badArg(env, v, i, "number or boolean");
    double d;
    napi_get_value_double(env, v, &d);
    // JS has one number type: integral values become integer scalars so that
    // integer tensors stay integer (t + 2), others become double scalars.
    if (std::abs(d) < 9007199254740992.0 && d == std::trunc(d)) return at::Scalar(static_cast<int64_t>(d));
    return at::Scalar(d);
  }
};

template <>
struct Arg<at::ScalarType> {
  static at::ScalarType get(napi_env env, napi_value v, size_t i) {
    int32_t code;
    if (napi_get_value_int32(env, v, &code) != napi_ok) badArg(env, v, i, "dtype code");
    if (code < 0 || code >= static_cast<int32_t>(at::ScalarType::NumOptions))
      throw ArgError("argument " + std::to_string(i) + ": unknown dtype code " + std::to_string(code));
    return static_cast<at::ScalarType>(code);
  }
};

template <>
struct Arg<at::Device> {
  static at::Device get(napi_env env, napi_value v, size_t i) {
    return at::Device(Arg<std::string>::get(env, v, i));
  }
};

template <>
struct Arg<at::Generator> {
  static at::Generator get(napi_env env, napi_value v, size_t i) {
    uint32_t h;
    if (napi_get_value_uint32(env, v, &h) != napi_ok) badArg(env, v, i, "generator handle");
    auto& g = generators();
    if (h >= g.size() || !g[h].defined()) throw ArgError("argument " + std::to_string(i) + ": unknown generator");
    return g[h];
  }
};

// Raw bytes of a TypedArray, Buffer or ArrayBuffer (borrowed for the call).
struct Bytes {
  void* data;
  size_t length;
};

template <>
struct Arg<Bytes> {
  static Bytes get(napi_env env, napi_value v, size_t i) {
    bool is = false;
    napi_is_typedarray(env, v, &is);
    if (is) {
      napi_typedarray_type type;
      size_t len, offset;
      napi_value ab;
      void* data;
      napi_get_typedarray_info(env, v, &type, &len, &data, &ab, &offset);
      size_t elem = 1;
      switch (type) {
        case napi_int16_array: case napi_uint16_array: elem = 2; break;
        case napi_int32_array: case napi_uint32_array: case napi_float32_array: elem = 4; break;
        case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: elem = 8; break;
        default: elem = 1;
      }
      return {data, len * elem};
    }
    napi_is_arraybuffer(env, v, &is);
    if (is) {
      Bytes b;
      napi_get_arraybuffer_info(env, v, &b.data, &b.length);
      return b;
    }
    badArg(env, v, i, "TypedArray or ArrayBuffer");
  }
};

// A tensor whose bytes are copied into a fresh ArrayBuffer on return.
struct TensorBytes {
  at::Tensor t;
};

template <typename T>
struct Arg<c10::optional<T>> {
  static c10::optional<T> get(napi_env env, napi_value v, size_t i) {
    if (isNullish(env, v)) return c10::nullopt;
    return c10::optional<T>(Arg<T>::get(env, v, i));
  }
};

template <typename T>
struct Arg<std::vector<T>> {
  static std::vector<T> get(napi_env env, napi_value v, size_t i) {
    bool isArray = false;
    napi_is_array(env, v, &isArray);
    if (!isArray) badArg(env, v, i, "array");
    uint32_t n;
    napi_get_array_length(env, v, &n);
    std::vector<T> out;
    out.reserve(n);
    for (uint32_t k = 0; k < n; ++k) {
      napi_value e;
      napi_get_element(env, v, k, &e);
      out.push_back(Arg<T>::get(env, e, i));
    }
    return out;
  }
};

// ---------------------------------------------------------------- C++ -> JS
template <typename T>
struct Ret;

template <>
struct Ret<at::Tensor> {
  static napi_value to(napi_env env, at::Tensor&& t) {
    napi_value out;
    if (!t.defined()) {
      napi_get_undefined(env, &out);
      return out;
    }
    napi_create_int64(env, put(env, std::move(t)), &out);
    return out;
  }
};

template <>
struct Ret<TensorBytes> {
  static napi_value to(napi_env env, TensorBytes&& b) {
    napi_value out;
    void* dst;
    size_t n = b.t.nbytes();
    if (napi_create_arraybuffer(env, n, &dst, &out) != napi_ok)
      throw ArgError("cannot allocate an ArrayBuffer of " + std::to_string(n) + " bytes for the tensor data");
    if (n) std::memcpy(dst, b.t.data_ptr(), n);
    return out;
  }
};

template <>
struct Ret<double> {
  static napi_value to(napi_env env, double d) {
    napi_value out;
    napi_create_double(env, d, &out);
    return out;
  }
};

template <>
struct Ret<int64_t> {
  static napi_value to(napi_env env, int64_t d) {
    napi_value out;
    napi_create_double(env, static_cast<double>(d), &out);
    return out;
  }
};

template <>
struct Ret<bool> {
  static napi_value to(napi_env env, bool b) {
    napi_value out;
    napi_get_boolean(env, b, &out);
    return out;
  }
};

template <>
struct Ret<std::string> {
  static napi_value to(napi_env env, const std::string& s) {
    napi_value out;
    napi_create_string_utf8(env, s.data(), s.size(), &out);
    return out;
  }
};

template <typename T>
struct Ret<std::vector<T>> {
  static napi_value to(napi_env env, std::vector<T>&& v) {
    napi_value out;
    napi_create_array_with_length(env, v.size(), &out);
    for (size_t k = 0; k < v.size(); ++k) napi_set_element(env, out, k, Ret<T>::to(env, std::move(v[k])));
    return out;
  }
};

template <typename... T>
struct Ret<std::tuple<T...>> {
  template <size_t... I>
  static napi_value toImpl(napi_env env, std::tuple<T...>&& t, std::index_sequence<I...>) {
    napi_value out;
    napi_create_array_with_length(env, sizeof...(T), &out);
    (napi_set_element(env, out, I, Ret<T>::to(env, std::move(std::get<I>(t)))), ...);
    return out;
  }
  static napi_value to(napi_env env, std::tuple<T...>&& t) {
    return toImpl(env, std::move(t), std::index_sequence_for<T...>{});
  }
};

// ---------------------------------------------------------------- op table
struct OpEntry {
  const char* name;
  napi_callback thunk;
  void* fn;
};
std::vector<OpEntry>& registry();

struct OpData {
  const char* name;
  void* fn;
};

// The one guard: every libtorch or conversion exception becomes a TorchError
// whose message starts with the op name.
template <typename F>
napi_value guard(napi_env env, const char* name, F&& body) {
  try {
    return body();
  } catch (const c10::Error& e) {
    throwTorchError(env, std::string(name) + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throwTorchError(env, std::string(name) + ": " + e.what());
  } catch (...) {
    throwTorchError(env, std::string(name) + ": unknown native error");
  }
  return nullptr;
}

template <typename R, typename... A, size_t... I>
napi_value invoke(napi_env env, napi_value* argv, R (*f)(A...), std::index_sequence<I...>) {
  if constexpr (std::is_void_v<R>) {
    f(Arg<std::decay_t<A>>::get(env, argv[I], I)...);
    napi_value out;
    napi_get_undefined(env, &out);
    return out;
  } else {
    return Ret<std::decay_t<R>>::to(env, f(Arg<std::decay_t<A>>::get(env, argv[I], I)...));
  }
}

template <typename R, typename... A>
napi_value thunk(napi_env env, napi_callback_info info) {
  constexpr size_t N = sizeof...(A);
  size_t argc = N;
  napi_value argv[N + 1];
  void* data;
  napi_get_cb_info(env, info, &argc, argv, nullptr, &data);
  for (size_t k = argc; k < N; ++k) napi_get_undefined(env, &argv[k]);
  auto* d = static_cast<OpData*>(data);
  auto f = reinterpret_cast<R (*)(A...)>(d->fn);
  return guard(env, d->name, [&] { return invoke(env, argv, f, std::index_sequence_for<A...>{}); });
}

// Register a function (usually `+[](...) { ... }`) under a JS name.
template <typename R, typename... A>
void def(const char* name, R (*f)(A...)) {
  registry().push_back({name, &thunk<R, A...>, reinterpret_cast<void*>(f)});
}

// Op-table files define a registration function each; binding.cc calls them all.
void registerCore();
void registerMath();
void registerShape();
void registerNN();
void registerLinalg();
void registerRuntime();
void registerOptim();
void registerAllocator();
void registerDistributed();

}  // namespace ss
