// Prepared memory images (runtime/memory_image.h) and the reset of pooled
// memories (runtime/reservation_pool.h, runtime/written_pages.h): every
// instance starts with exactly its data segments over zeros, whatever the
// instances before it in the same reservation wrote, however many pages
// they wrote, and whichever module they came from.
#include "runtime/memory_image.h"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <cstring>
#include <fstream>
#include <string>

#include "runtime/memory.h"
#include "runtime/written_pages.h"
#include "wat.h"

namespace flint {
namespace {

using testing::compile_wat;

// What /proc/self/maps names the mapping holding `p` ("" when anonymous).
std::string mapping_name(const void* p) {
  auto at = reinterpret_cast<uintptr_t>(p);
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    uintptr_t begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx", &begin, &end) != 2 || at < begin || at >= end)
      continue;
    size_t slash = line.find('/');
    size_t bracket = line.find("memfd:");
    if (bracket != std::string::npos) return line.substr(bracket);
    return slash == std::string::npos ? "" : line.substr(slash);
  }
  return "unmapped";
}

// A module whose one memory (exported as "m") starts with "abXY" at 10 (two
// overlapping segments, the later winning), `filler` bytes of 'z' at
// 70000, and `pages` pages in all.
std::string module_with_data(size_t filler, uint32_t pages = 8) {
  return "(module (memory (export \"m\") " + std::to_string(pages) + ")" +
         R"( (data (i32.const 10) "abcd") (data (i32.const 12) "XY"))" +
         " (data (i32.const 70000) \"" + std::string(filler, 'z') + "\")" +
         R"( (data "passive, never applied"))" + ")";
}

MemoryInst* memory_of(Instance* instance) { return instance->find_export("m")->memory; }

// The bytes module_with_data(filler) puts at the memory's start and filler.
void expect_pristine(const MemoryInst& m, size_t filler) {
  ASSERT_GE(m.size, 8u * kPageSize);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(m.base) + 8, 8),
            std::string("\0\0abXY\0\0", 8));
  for (size_t i = 0; i < 10; ++i) ASSERT_EQ(m.base[i], 0) << "byte " << i;
  for (size_t i = 70000; i < 70000 + filler; i += 997) ASSERT_EQ(m.base[i], 'z') << "byte " << i;
  EXPECT_EQ(m.base[70000 + filler - 1], 'z');
  EXPECT_EQ(m.base[70000 + filler], 0);
  EXPECT_EQ(m.base[69999], 0);
  for (size_t i = 70000 + filler; i < m.size; i += 4093) ASSERT_EQ(m.base[i], 0) << "byte " << i;
}

// Writes a byte into every host page of the memory, image pages included.
void scribble(MemoryInst& m) {
  for (size_t i = 0; i < m.size; i += 4096) m.base[i + 17] = 0xee;
  m.base[10] = 'Q';
  m.base[70000] = 'Q';
}

TEST(MemoryImage, AppliesSegmentsInOrderCutToHostPages) {
  auto compiled = compile_wat(module_with_data(100));
  ASSERT_TRUE(compiled);
  auto images = MemoryImage::build(compiled->module());
  ASSERT_EQ(images.size(), 1u);
  ASSERT_TRUE(images[0]);
  const MemoryImage& image = *images[0];
  EXPECT_EQ(image.offset(), 0u);
  EXPECT_EQ(image.size(), (70100 + 4095) / 4096 * 4096);
  EXPECT_FALSE(image.mapped());  // small: copied, no file
  std::vector<uint8_t> memory(8 * kPageSize, 0);
  ASSERT_TRUE(image.install(memory.data()));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(memory.data()) + 10, 4), "abXY");
  EXPECT_EQ(memory[70099], 'z');
  EXPECT_EQ(memory[70100], 0);
}

TEST(MemoryImage, NoImagesWhenASegmentCannotBeAppliedAhead) {
  const char* kNotAhead[] = {
      // An offset read from an imported global.
      R"((module (import "env" "base" (global i32)) (memory 1) (data (global.get 0) "x")))",
      // A segment in an imported memory.
      R"((module (import "env" "m" (memory 1)) (data (i32.const 0) "x")))",
      // A segment beyond the minimum size: instantiation must fail.
      R"((module (memory 1) (data (i32.const 65535) "xy")))",
  };
  for (const char* wat : kNotAhead) {
    auto compiled = compile_wat(wat);
    ASSERT_TRUE(compiled);
    EXPECT_TRUE(MemoryImage::build(compiled->module()).empty()) << wat;
  }
  // A memory only passive segments write starts all zero: no image.
  auto passive = compile_wat(R"((module (memory 1) (data "x")))");
  ASSERT_TRUE(passive);
  auto images = MemoryImage::build(passive->module());
  ASSERT_EQ(images.size(), 1u);
  EXPECT_FALSE(images[0]);
}

TEST(MemoryImage, ASegmentThatDoesNotFitStillFailsInstantiation) {
  auto compiled = compile_wat(R"((module (memory 1) (data (i32.const 65535) "xy")))");
  ASSERT_TRUE(compiled);
  Store store;
  auto r = store.instantiate(*compiled, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "out of bounds memory access: data segment 0 at 65535 does not fit in the memory");
}

TEST(MemoryImage, LargeImagesAreMappedFromASealedFile) {
  const size_t filler = 300000;
  auto compiled = compile_wat(module_with_data(filler));
  ASSERT_TRUE(compiled);
  Store store;
  auto instance = store.instantiate(*compiled, {});
  ASSERT_TRUE(instance) << instance.error().describe();
  MemoryInst& m = *memory_of(*instance);
  expect_pristine(m, filler);
  EXPECT_EQ(mapping_name(m.base + 70000).rfind("memfd:flint-memory-image", 0), 0u)
      << mapping_name(m.base + 70000);
  // Copy-on-write: this instance's writes stay its own.
  m.base[70001] = 'W';
  Store other;
  auto second = other.instantiate(*compiled, {});
  ASSERT_TRUE(second) << second.error().describe();
  expect_pristine(*memory_of(*second), filler);
}

// Past kMaxMappedImages live memfds, images are copied instead: a
// thousand apps of big modules must not take the descriptors a server's
// connections need.
TEST(MemoryImage, MappedImagesAreCappedAndCopiedBeyond) {
  auto compiled = compile_wat(module_with_data(300000));
  ASSERT_TRUE(compiled);
  std::vector<std::shared_ptr<const MemoryImage>> images;
  size_t mapped = 0;
  for (int i = 0; i < MemoryImage::kMaxMappedImages + 4; ++i) {
    auto built = MemoryImage::build(compiled->module());
    ASSERT_EQ(built.size(), 1u);
    mapped += built[0]->mapped();
    images.push_back(built[0]);
  }
  EXPECT_LE(mapped, size_t(MemoryImage::kMaxMappedImages));
  // A copied one holds the same bytes.
  const MemoryImage& copied = *images.back();
  EXPECT_FALSE(copied.mapped());
  std::vector<uint8_t> memory(8 * kPageSize, 0);
  ASSERT_TRUE(copied.install(memory.data()));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(memory.data()) + 10, 4), "abXY");
  EXPECT_EQ(memory[70000 + 299999], 'z');
  // Released, they make room again.
  images.clear();
  auto again = MemoryImage::build(compiled->module());
  EXPECT_TRUE(again[0]->mapped());
}

// Instances one after another reuse one reservation; each sees only its
// own module's data, for small (copied) and large (mapped) images alike.
TEST(MemoryImage, EveryInstanceStartsPristineInAReusedReservation) {
  for (size_t filler : {size_t(100), size_t(300000)}) {
    auto compiled = compile_wat(module_with_data(filler));
    auto plain = compile_wat(R"((module (memory (export "m") 9)))");
    ASSERT_TRUE(compiled && plain);
    for (int round = 0; round < 4; ++round) {
      Store store;
      auto instance = store.instantiate(*compiled, {});
      ASSERT_TRUE(instance) << instance.error().describe();
      MemoryInst& m = *memory_of(*instance);
      expect_pristine(m, filler);
      scribble(m);
      if (round == 2) ASSERT_EQ(m.grow(3), 8);  // pages beyond the initial size too
      if (round == 2) scribble(m);
    }
    // Another module in the same reservation: zeros where the image was.
    {
      Store store;
      auto instance = store.instantiate(*plain, {});
      ASSERT_TRUE(instance) << instance.error().describe();
      MemoryInst& m = *memory_of(*instance);
      EXPECT_EQ(m.size, 9u * kPageSize);
      for (size_t i = 0; i < m.size; i += 17) ASSERT_EQ(m.base[i], 0) << "byte " << i;
      EXPECT_EQ(mapping_name(m.base + 70000), "");
      scribble(m);
    }
    Store store;
    auto instance = store.instantiate(*compiled, {});
    ASSERT_TRUE(instance) << instance.error().describe();
    expect_pristine(*memory_of(*instance), filler);
  }
}

// More written pages than stay resident: the rest are discarded, and the
// next instance still starts pristine.
TEST(MemoryImage, InstancesWritingMegabytesStillLeaveItPristine) {
  for (size_t filler : {size_t(100), size_t(300000)}) {
    auto compiled = compile_wat(module_with_data(filler, 80));  // 5 MiB
    ASSERT_TRUE(compiled);
    for (int round = 0; round < 3; ++round) {
      Store store;
      auto instance = store.instantiate(*compiled, {});
      ASSERT_TRUE(instance) << instance.error().describe();
      MemoryInst& m = *memory_of(*instance);
      expect_pristine(m, filler);
      for (size_t i = 0; i < m.size; i += 512) m.base[i] = 0x5a;
      scribble(m);
    }
  }
}

// The scan reports pages written, not pages only read or never touched.
TEST(WrittenPages, ReportsWrittenPagesOnly) {
  const size_t page = 4096;
  auto* base = static_cast<uint8_t*>(
      mmap(nullptr, 16 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(base, MAP_FAILED);
  base[2 * page] = 1;
  base[3 * page + 5] = 1;
  base[9 * page] = 1;
  volatile uint8_t read = base[5 * page];  // the zero page: not written
  (void)read;
  auto scan = scan_written_pages(base, 16 * page, 1 << 20);
  if (!scan) {
    munmap(base, 16 * page);
    GTEST_SKIP() << "this kernel has no PAGEMAP_SCAN (Linux 6.7+): pooled memories are reset "
                    "with madvise alone";
  }
  ASSERT_EQ(scan->count, 2u);
  EXPECT_EQ(scan->ranges[0].begin, 2 * page);
  EXPECT_EQ(scan->ranges[0].end, 4 * page);
  EXPECT_EQ(scan->ranges[1].begin, 9 * page);
  EXPECT_EQ(scan->ranges[1].end, 10 * page);
  EXPECT_EQ(scan->scanned, 16 * page);
  // A budget of two pages stops the scan after them.
  auto limited = scan_written_pages(base, 16 * page, 2 * page);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->count, 1u);
  EXPECT_LT(limited->scanned, 16 * page);
  ASSERT_EQ(madvise(base, 16 * page, MADV_DONTNEED), 0);
  auto after = scan_written_pages(base, 16 * page, 1 << 20);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->count, 0u);
  munmap(base, 16 * page);
}

// Whether this kernel answers PAGEMAP_SCAN (Linux 6.7+).
bool kernel_scans_pages() {
  void* probe = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (probe == MAP_FAILED) return false;
  bool scans = scan_written_pages(static_cast<uint8_t*>(probe), 4096, 4096).has_value();
  munmap(probe, 4096);
  return scans;
}

long minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}

// Pages an instance wrote stay resident for the next instance of the same
// module: writing them again costs no page fault.
TEST(MemoryImage, WrittenPagesStayResidentForTheNextInstance) {
  if (!kernel_scans_pages()) GTEST_SKIP() << "this kernel has no PAGEMAP_SCAN (Linux 6.7+)";
  auto compiled = compile_wat(module_with_data(100));
  ASSERT_TRUE(compiled);
  const size_t kPages = 24;
  long faults_second = 0;
  for (int round = 0; round < 2; ++round) {
    Store store;
    auto instance = store.instantiate(*compiled, {});
    ASSERT_TRUE(instance) << instance.error().describe();
    MemoryInst& m = *memory_of(*instance);
    expect_pristine(m, 100);
    long before = minor_faults();
    for (size_t i = 0; i < kPages; ++i) m.base[(i + 20) * 4096 + 3] = uint8_t(i + 1);
    faults_second = minor_faults() - before;
  }
  EXPECT_LT(faults_second, long(kPages) / 2);
}

}  // namespace
}  // namespace flint
