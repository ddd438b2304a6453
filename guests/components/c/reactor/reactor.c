// A C reactor component: `wit-bindgen c` generates guest.h/guest.c for the
// world flint:guests/guest (guests/components/wit), this file implements its
// exports, clang compiles both for wasm32-wasi with -mexec-model=reactor,
// `wasm-tools component embed` attaches the WIT and `component new` wraps the
// module with the preview-1 reactor adapter (wasi-libc's own imports).
//
// wit-bindgen's C conventions: exported functions own their arguments (and
// free them), results come back through pointers, a result<T, E> is a bool
// (true for ok) with T and E out-parameters, an option<T> a bool with a T,
// and an exported resource is a struct this file defines, handed to the
// host as a handle by exports_flint_guests_api_counter_new.
#include <stdlib.h>
#include <string.h>

#include "guest.h"

// guest.c links in wit-bindgen's component-type object through this symbol;
// the build runs `wit-bindgen c --no-object` and attaches the WIT with
// `wasm-tools component embed` instead, so it is defined here, empty.
void __component_type_object_force_link_guest(void) {}

typedef exports_flint_guests_api_point_t point_t;
typedef exports_flint_guests_api_shape_t shape_t;
typedef exports_flint_guests_api_color_t color_t;

static void set_string(guest_string_t* out, const char* bytes, size_t len) {
  out->ptr = len ? malloc(len) : NULL;
  if (len) memcpy(out->ptr, bytes, len);
  out->len = len;
}

void exports_flint_guests_api_greet(guest_string_t* name, guest_string_t* ret) {
  static const char hello[] = "Hello, ";
  size_t len = sizeof hello - 1 + name->len + 1;
  char* buf = malloc(len);
  memcpy(buf, hello, sizeof hello - 1);
  if (name->len) memcpy(buf + sizeof hello - 1, name->ptr, name->len);
  buf[len - 1] = '!';
  ret->ptr = (uint8_t*)buf;
  ret->len = len;
  guest_string_free(name);
}

int64_t exports_flint_guests_api_sum(guest_list_s64_t* values) {
  uint64_t total = 0;  // unsigned: wrapping, as the WIT asks
  for (size_t i = 0; i < values->len; ++i) total += (uint64_t)values->ptr[i];
  guest_list_s64_free(values);
  return (int64_t)total;
}

void exports_flint_guests_api_reverse_words(guest_list_string_t* words, guest_list_string_t* ret) {
  size_t n = words->len;
  ret->ptr = n ? malloc(n * sizeof(guest_string_t)) : NULL;
  ret->len = n;
  for (size_t i = 0; i < n; ++i) {
    guest_string_t* w = &words->ptr[n - 1 - i];
    set_string(&ret->ptr[i], (const char*)w->ptr, w->len);
    for (size_t j = 0; j < w->len; ++j) {
      uint8_t c = ret->ptr[i].ptr[j];
      if (c >= 'a' && c <= 'z') ret->ptr[i].ptr[j] = (uint8_t)(c - 'a' + 'A');
    }
  }
  guest_list_string_free(words);
}

void exports_flint_guests_api_translate(point_t* p, int32_t dx, int32_t dy, point_t* ret) {
  ret->x = p->x + dx;
  ret->y = p->y + dy;
}

uint64_t exports_flint_guests_api_area(shape_t* s) {
  switch (s->tag) {
    case EXPORTS_FLINT_GUESTS_API_SHAPE_CIRCLE:
      return 3ull * s->val.circle * s->val.circle;
    case EXPORTS_FLINT_GUESTS_API_SHAPE_RECT: {
      int64_t a = (int64_t)s->val.rect.x * s->val.rect.y;
      return (uint64_t)(a < 0 ? -a : a);
    }
    default:
      return 0;
  }
}

color_t exports_flint_guests_api_next_color(color_t c) {
  switch (c) {
    case EXPORTS_FLINT_GUESTS_API_COLOR_RED:
      return EXPORTS_FLINT_GUESTS_API_COLOR_GREEN;
    case EXPORTS_FLINT_GUESTS_API_COLOR_GREEN:
      return EXPORTS_FLINT_GUESTS_API_COLOR_BLUE;
    default:
      return EXPORTS_FLINT_GUESTS_API_COLOR_RED;
  }
}

bool exports_flint_guests_api_parse_int(guest_string_t* s, int32_t* ret, guest_string_t* err) {
  size_t i = 0;
  int negative = s->len > 0 && s->ptr[0] == '-';
  i = negative ? 1 : 0;
  int64_t value = 0;
  bool ok = i < s->len;
  for (; ok && i < s->len; ++i) {
    if (s->ptr[i] < '0' || s->ptr[i] > '9' || value > 2147483648LL) {
      ok = false;
    } else {
      value = value * 10 + (s->ptr[i] - '0');
    }
  }
  if (negative) value = -value;
  if (ok && value >= INT32_MIN && value <= INT32_MAX) {
    *ret = (int32_t)value;
  } else {
    ok = false;
    static const char prefix[] = "not a number: ";
    err->len = sizeof prefix - 1 + s->len;
    err->ptr = malloc(err->len);
    memcpy(err->ptr, prefix, sizeof prefix - 1);
    if (s->len) memcpy(err->ptr + sizeof prefix - 1, s->ptr, s->len);
  }
  guest_string_free(s);
  return ok;
}

bool exports_flint_guests_api_find(guest_list_string_t* haystack, guest_string_t* needle, uint32_t* ret) {
  bool found = false;
  for (size_t i = 0; i < haystack->len && !found; ++i) {
    guest_string_t* h = &haystack->ptr[i];
    if (h->len == needle->len && (h->len == 0 || memcmp(h->ptr, needle->ptr, h->len) == 0)) {
      *ret = (uint32_t)i;
      found = true;
    }
  }
  guest_list_string_free(haystack);
  guest_string_free(needle);
  return found;
}

// The resource: its representation is this struct; the host holds handles.
struct exports_flint_guests_api_counter_t {
  int64_t value;
};

exports_flint_guests_api_own_counter_t exports_flint_guests_api_constructor_counter(int64_t start) {
  exports_flint_guests_api_counter_t* rep = malloc(sizeof *rep);
  rep->value = start;
  return exports_flint_guests_api_counter_new(rep);
}

void exports_flint_guests_api_method_counter_add(exports_flint_guests_api_borrow_counter_t self, int64_t n) {
  self->value = (int64_t)((uint64_t)self->value + (uint64_t)n);
}

int64_t exports_flint_guests_api_method_counter_get(exports_flint_guests_api_borrow_counter_t self) {
  return self->value;
}

void exports_flint_guests_api_counter_destructor(exports_flint_guests_api_counter_t* rep) { free(rep); }
