/* N-body simulation of the Jovian planets (the Computer Language Benchmarks
 * Game's nbody): n steps of a symplectic Euler integrator over 5 bodies in
 * double precision. Stresses floating-point multiply, add, divide and
 * square root with few memory accesses (the 5 bodies fit in a few cache
 * lines).
 *
 * IEEE 754 double arithmetic is exact-rounded on both targets (x86-64 SSE2
 * and wasm f64), and neither build contracts a*b+c into a fused multiply-add
 * (x86-64's baseline has no FMA, wasm 2.0 has none), so the checksum -- the
 * bits of the energy before and after -- is identical in both builds.
 * sqrt is __builtin_sqrt: wasm's f64.sqrt; natively sqrtsd, because the
 * native build is compiled with -fno-math-errno as clang's wasm target is by
 * default (suite.py), so neither calls libm. */
#include "kernel.h"

#define NBODY_MAX_N 100000000u
#define BODIES 5

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24

struct body {
  double x, y, z, vx, vy, vz, mass;
};

static struct body bodies[BODIES];

/* Sun, Jupiter, Saturn, Uranus, Neptune: positions in AU, velocities in AU
 * per day (converted to per year), masses in solar masses. */
static void initialise(void) {
  static const double start[BODIES][7] = {
      {0, 0, 0, 0, 0, 0, 1},
      {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
       1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05,
       9.54791938424326609e-04},
      {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
       -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05,
       2.85885980666130812e-04},
      {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
       2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05,
       4.36624404335156298e-05},
      {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
       2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05,
       5.15138902046611451e-05}};
  for (int i = 0; i < BODIES; i++) {
    bodies[i].x = start[i][0];
    bodies[i].y = start[i][1];
    bodies[i].z = start[i][2];
    bodies[i].vx = start[i][3] * DAYS_PER_YEAR;
    bodies[i].vy = start[i][4] * DAYS_PER_YEAR;
    bodies[i].vz = start[i][5] * DAYS_PER_YEAR;
    bodies[i].mass = start[i][6] * SOLAR_MASS;
  }
  /* Give the sun the momentum that makes the system's total zero. */
  double px = 0, py = 0, pz = 0;
  for (int i = 0; i < BODIES; i++) {
    px += bodies[i].vx * bodies[i].mass;
    py += bodies[i].vy * bodies[i].mass;
    pz += bodies[i].vz * bodies[i].mass;
  }
  bodies[0].vx = -px / SOLAR_MASS;
  bodies[0].vy = -py / SOLAR_MASS;
  bodies[0].vz = -pz / SOLAR_MASS;
}

static void advance(double dt) {
  for (int i = 0; i < BODIES; i++) {
    struct body *a = &bodies[i];
    for (int j = i + 1; j < BODIES; j++) {
      struct body *b = &bodies[j];
      double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
      double distance2 = dx * dx + dy * dy + dz * dz;
      double magnitude = dt / (distance2 * __builtin_sqrt(distance2));
      a->vx -= dx * b->mass * magnitude;
      a->vy -= dy * b->mass * magnitude;
      a->vz -= dz * b->mass * magnitude;
      b->vx += dx * a->mass * magnitude;
      b->vy += dy * a->mass * magnitude;
      b->vz += dz * a->mass * magnitude;
    }
  }
  for (int i = 0; i < BODIES; i++) {
    bodies[i].x += dt * bodies[i].vx;
    bodies[i].y += dt * bodies[i].vy;
    bodies[i].z += dt * bodies[i].vz;
  }
}

static double energy(void) {
  double e = 0;
  for (int i = 0; i < BODIES; i++) {
    const struct body *a = &bodies[i];
    e += 0.5 * a->mass * (a->vx * a->vx + a->vy * a->vy + a->vz * a->vz);
    for (int j = i + 1; j < BODIES; j++) {
      const struct body *b = &bodies[j];
      double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
      e -= a->mass * b->mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

/* Folds the two halves of a double's bit pattern into the checksum. */
static uint32_t checksum_add_double(uint32_t hash, double value) {
  union {
    double d;
    uint64_t bits;
  } u = {value};
  return checksum_add(checksum_add(hash, (uint32_t)u.bits), (uint32_t)(u.bits >> 32));
}

uint32_t run(int32_t n_in) {
  uint32_t n = clamp_n(n_in, NBODY_MAX_N);
  initialise();
  uint32_t hash = checksum_add_double(CHECKSUM_INIT, energy());
  for (uint32_t step = 0; step < n; step++) advance(0.01);
  return checksum_add_double(hash, energy());
}

uint32_t max_n(void) { return NBODY_MAX_N; }
