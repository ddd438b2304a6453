/* SHA-256 (FIPS 180-4) of a 64 KiB buffer, n times: 32-bit rotates, shifts,
 * additions and big-endian loads, the inner loop of every TLS stack and
 * content-addressed store. Each round XORs the digest into the buffer at a
 * moving offset, so no round can be skipped or hoisted. run(0) returns the
 * checksum of an all-zero digest. */
#include "kernel.h"

#define SHA256_MAX_N 1000000u
#define MESSAGE_BYTES 65536u /* a multiple of 32, so the XOR below never wraps */

static uint8_t message[MESSAGE_BYTES];
static uint8_t final_blocks[128]; /* the message's tail plus padding */

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static inline uint32_t rotr(uint32_t x, uint32_t n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One application of the compression function (FIPS 180-4, 6.2.2). */
static void compress(uint32_t state[8], const uint8_t *block) {
  uint32_t w[64];
  for (int t = 0; t < 16; t++) w[t] = load_be32(block + 4 * t);
  for (int t = 16; t < 64; t++) {
    uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  for (int t = 0; t < 64; t++) {
    uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
                  round_constants[t] + w[t];
    uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

/* The digest of data[0, length) as eight words (FIPS 180-4, 5.1.1 padding:
 * a 1 bit, zeros, the 64-bit big-endian bit length). */
static void sha256(const uint8_t *data, uint32_t length, uint32_t digest[8]) {
  static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (int i = 0; i < 8; i++) digest[i] = initial[i];
  uint32_t full = length / 64 * 64;
  for (uint32_t offset = 0; offset < full; offset += 64) compress(digest, data + offset);

  uint32_t tail = length - full;
  uint32_t padded = tail < 56 ? 64 : 128;
  uint64_t bits = (uint64_t)length * 8;
  /* Each byte is computed, not filled, so no memset/memcpy call appears. */
  for (uint32_t i = 0; i < padded; i++) {
    uint8_t byte = i < tail ? data[full + i] : i == tail ? 0x80 : 0;
    if (i >= padded - 8) byte = (uint8_t)(bits >> (8 * (padded - 1 - i)));
    final_blocks[i] = byte;
  }
  for (uint32_t offset = 0; offset < padded; offset += 64) compress(digest, final_blocks + offset);
}

uint32_t run(int32_t n_in) {
  uint32_t n = clamp_n(n_in, SHA256_MAX_N);
  uint32_t seed = 0x3C6EF372u;
  for (uint32_t i = 0; i < MESSAGE_BYTES; i++) message[i] = (uint8_t)xorshift32(&seed);

  uint32_t digest[8] = {0};
  for (uint32_t round = 0; round < n; round++) {
    sha256(message, MESSAGE_BYTES, digest);
    uint32_t at = round * 32 % MESSAGE_BYTES;
    for (int i = 0; i < 32; i++) message[at + i] ^= (uint8_t)(digest[i / 4] >> (24 - 8 * (i % 4)));
  }
  uint32_t hash = CHECKSUM_INIT;
  for (int i = 0; i < 8; i++) hash = checksum_add(hash, digest[i]);
  return hash;
}

uint32_t max_n(void) { return SHA256_MAX_N; }
