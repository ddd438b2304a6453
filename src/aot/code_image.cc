#include "aot/code_image.h"

#include <elf.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

// The unwinder's registry of unwind tables outside any dlopen'ed object
// (libgcc; the C++ runtime's unwinder searches it before dl_iterate_phdr).
extern "C" void __register_frame(const void* eh_frame);
extern "C" void __deregister_frame(const void* eh_frame);

namespace flint::aot {

namespace {

#if defined(__x86_64__)
constexpr uint16_t kMachine = EM_X86_64;
constexpr uint32_t kRelative = R_X86_64_RELATIVE;
#elif defined(__aarch64__)
constexpr uint16_t kMachine = EM_AARCH64;
constexpr uint32_t kRelative = R_AARCH64_RELATIVE;
#else
constexpr uint16_t kMachine = EM_NONE;
constexpr uint32_t kRelative = 0;
#endif

/// No module's code comes near this; it bounds what a corrupted header can ask for.
constexpr uint64_t kMaxImageBytes = uint64_t(1) << 30;

Error reject(std::string why) {
  return make_error(ErrorCode::BadArtifact, "its code " + std::move(why));
}

size_t page_size() {
  static const size_t size = size_t(sysconf(_SC_PAGESIZE));
  return size;
}
uint64_t page_down(uint64_t v) { return v & ~uint64_t(page_size() - 1); }
uint64_t page_up(uint64_t v) { return page_down(v + page_size() - 1); }

// A `count`-element table of T at `offset` of `bytes`, if it fits.
template <typename T>
bool fits(std::span<const uint8_t> bytes, uint64_t offset, uint64_t count) {
  return offset <= bytes.size() && count <= (bytes.size() - offset) / sizeof(T);
}

template <typename T>
T read_at(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

int protection(uint32_t flags) {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
         (flags & PF_X ? PROT_EXEC : 0);
}

}  // namespace

CodeImage& CodeImage::operator=(CodeImage&& other) noexcept {
  if (this != &other) {
    release();
    base_ = std::exchange(other.base_, nullptr);
    size_ = std::exchange(other.size_, 0);
    code_begin_ = other.code_begin_;
    code_end_ = other.code_end_;
    dynsym_ = other.dynsym_;
    dynsym_count_ = other.dynsym_count_;
    dynstr_ = other.dynstr_;
    dynstr_size_ = other.dynstr_size_;
    eh_frame_ = std::exchange(other.eh_frame_, nullptr);
  }
  return *this;
}

CodeImage::~CodeImage() { release(); }

void CodeImage::release() {
  if (eh_frame_) __deregister_frame(eh_frame_);
  if (base_) munmap(base_, size_);
  eh_frame_ = nullptr;
  base_ = nullptr;
}

namespace {

// ---- the steps of CodeImage::load, in its order ----

// The ELF header (System V gABI, "ELF Header"): a 64-bit little-endian
// shared object for this machine whose header tables lie inside the bytes.
Result<Elf64_Ehdr> check_header(std::span<const uint8_t> elf) {
  if (elf.size() < sizeof(Elf64_Ehdr)) return reject("is not an ELF object (too short)");
  auto eh = read_at<Elf64_Ehdr>(elf.data());
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_ident[EI_DATA] != ELFDATA2LSB)
    return reject("is not a 64-bit little-endian ELF object");
  if (eh.e_type != ET_DYN) return reject("is not a shared object");
  if (eh.e_machine != kMachine)
    return reject(fmt::format("is for ELF machine {}, this machine is {}", eh.e_machine, kMachine));
  if (eh.e_phentsize != sizeof(Elf64_Phdr) || !fits<Elf64_Phdr>(elf, eh.e_phoff, eh.e_phnum))
    return reject("has a malformed program header table");
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || !fits<Elf64_Shdr>(elf, eh.e_shoff, eh.e_shnum) ||
      eh.e_shstrndx >= eh.e_shnum)
    return reject("has a malformed section header table");
  return eh;
}

struct Segments {
  std::vector<Elf64_Phdr> loads;  ///< by address, no two sharing a page
  std::optional<Elf64_Phdr> dynamic, relro;
  uint64_t size = 0;  ///< bytes to map: the last load segment's end, page-aligned
};

// The program headers: loadable segments inside the file and the image
// bound, none needing a program loader (an interpreter or thread-local
// storage), none sharing a page with another (each gets its own protection).
Result<Segments> read_segments(std::span<const uint8_t> elf, const Elf64_Ehdr& eh) {
  Segments seg;
  for (uint32_t i = 0; i < eh.e_phnum; ++i) {
    auto ph = read_at<Elf64_Phdr>(elf.data() + eh.e_phoff + i * sizeof(Elf64_Phdr));
    switch (ph.p_type) {
      case PT_LOAD:
        if (ph.p_filesz > ph.p_memsz || !fits<uint8_t>(elf, ph.p_offset, ph.p_filesz) ||
            ph.p_vaddr > kMaxImageBytes || ph.p_memsz > kMaxImageBytes - ph.p_vaddr)
          return reject(fmt::format("has a malformed segment {}", i));
        seg.loads.push_back(ph);
        break;
      case PT_DYNAMIC: seg.dynamic = ph; break;
      case PT_GNU_RELRO: seg.relro = ph; break;
      case PT_INTERP:
      case PT_TLS:
        return reject(fmt::format("needs a program loader (segment type {:#x})", ph.p_type));
      default: break;
    }
  }
  std::vector<Elf64_Phdr>& loads = seg.loads;
  if (loads.empty()) return reject("has no loadable segment");
  std::sort(loads.begin(), loads.end(),
            [](const auto& a, const auto& b) { return a.p_vaddr < b.p_vaddr; });
  for (size_t i = 1; i < loads.size(); ++i)
    if (page_down(loads[i].p_vaddr) < page_up(loads[i - 1].p_vaddr + loads[i - 1].p_memsz))
      return reject("has segments sharing a page");
  seg.size = page_up(loads.back().p_vaddr + loads.back().p_memsz);
  return seg;
}

// The dynamic section (gABI "Dynamic Section") of the mapped image: where
// its relocations are, and nothing a loader would have to do (libraries,
// text relocations, initialisers, relocations that are not relative); then
// each relative relocation applied ("add the load address").
Status relocate(uint8_t* base, uint64_t size, const std::optional<Elf64_Phdr>& dynamic) {
  auto inside = [&](uint64_t addr, uint64_t bytes) { return addr <= size && bytes <= size - addr; };
  uint64_t rela = 0, rela_size = 0, rela_entry = sizeof(Elf64_Rela);
  if (dynamic) {
    if (!inside(dynamic->p_vaddr, dynamic->p_memsz))
      return reject("has a malformed dynamic section");
    for (uint64_t at = dynamic->p_vaddr;
         at + sizeof(Elf64_Dyn) <= dynamic->p_vaddr + dynamic->p_memsz; at += sizeof(Elf64_Dyn)) {
      auto d = read_at<Elf64_Dyn>(base + at);
      if (d.d_tag == DT_NULL) break;
      switch (d.d_tag) {
        case DT_RELA: rela = d.d_un.d_ptr; break;
        case DT_RELASZ: rela_size = d.d_un.d_val; break;
        case DT_RELAENT: rela_entry = d.d_un.d_val; break;
        case DT_NEEDED: return reject("depends on a shared library");
        case DT_TEXTREL: return reject("relocates its text");
        case DT_PLTRELSZ:
        case DT_RELSZ:
        case DT_RELRSZ:
          if (d.d_un.d_val)
            return reject(
                fmt::format("has relocations of kind {} (only relative ones are loaded)", d.d_tag));
          break;
        case DT_INIT:
        case DT_FINI: return reject("has initialisers");
        case DT_INIT_ARRAYSZ:
        case DT_PREINIT_ARRAYSZ:
          if (d.d_un.d_val) return reject("has initialisers");
          break;
        default: break;
      }
    }
  }
  if (rela_entry != sizeof(Elf64_Rela) || !inside(rela, rela_size))
    return reject("has a malformed relocation table");
  for (uint64_t at = rela; at + sizeof(Elf64_Rela) <= rela + rela_size; at += sizeof(Elf64_Rela)) {
    auto r = read_at<Elf64_Rela>(base + at);
    if (ELF64_R_TYPE(r.r_info) != kRelative || ELF64_R_SYM(r.r_info) != 0)
      return reject(fmt::format("has a relocation of type {} (only relative ones are loaded)",
                                ELF64_R_TYPE(r.r_info)));
    if (!inside(r.r_offset, sizeof(uint64_t))) return reject("relocates outside its segments");
    uint64_t value = reinterpret_cast<uint64_t>(base) + uint64_t(r.r_addend);
    std::memcpy(base + r.r_offset, &value, sizeof value);
  }
  return {};
}

struct Sections {
  const uint8_t* dynsym = nullptr;
  size_t dynsym_count = 0;
  const char* dynstr = nullptr;
  size_t dynstr_size = 0;
  const uint8_t* eh_frame = nullptr;
  uint64_t eh_frame_end = 0;  ///< one past the terminator the unwinder reads
};

// The section headers: the exported symbols (.dynsym and its strings) and
// the unwind tables (.eh_frame), both inside the mapped image.
Result<Sections> find_sections(std::span<const uint8_t> elf, const Elf64_Ehdr& eh,
                               const uint8_t* base, uint64_t size) {
  auto inside = [&](uint64_t addr, uint64_t bytes) { return addr <= size && bytes <= size - addr; };
  auto section = [&](uint32_t i) {
    return read_at<Elf64_Shdr>(elf.data() + eh.e_shoff + i * sizeof(Elf64_Shdr));
  };
  Elf64_Shdr names = section(eh.e_shstrndx);
  if (!fits<char>(elf, names.sh_offset, names.sh_size))
    return reject("has a malformed section name table");
  Sections found;
  std::string_view name_table(reinterpret_cast<const char*>(elf.data() + names.sh_offset),
                              names.sh_size);
  for (uint32_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh = section(i);
    if (sh.sh_type == SHT_DYNSYM) {
      if (sh.sh_entsize != sizeof(Elf64_Sym) || !inside(sh.sh_addr, sh.sh_size) ||
          sh.sh_link >= eh.e_shnum)
        return reject("has a malformed symbol table");
      Elf64_Shdr strings = section(sh.sh_link);
      if (!inside(strings.sh_addr, strings.sh_size)) return reject("has a malformed symbol table");
      found.dynsym = base + sh.sh_addr;
      found.dynsym_count = sh.sh_size / sizeof(Elf64_Sym);
      found.dynstr = reinterpret_cast<const char*>(base + strings.sh_addr);
      found.dynstr_size = strings.sh_size;
    }
    if (sh.sh_name < name_table.size() &&
        name_table.substr(sh.sh_name).starts_with(std::string_view(".eh_frame\0", 10)) &&
        inside(sh.sh_addr, sh.sh_size + 4)) {
      // The unwinder reads records until a zero length: lld writes none
      // after the last, so the four bytes after the section must be zero.
      uint32_t terminator = read_at<uint32_t>(base + sh.sh_addr + sh.sh_size);
      if (sh.sh_size > 0 && terminator == 0) {
        found.eh_frame = base + sh.sh_addr;
        found.eh_frame_end = sh.sh_addr + sh.sh_size + 4;
      }
    }
  }
  return found;
}

// Permissions: each segment as its flags say, its RELRO part read-only once
// relocated (as ld.so does), nothing elsewhere. The mapping is read-write
// until now: one mprotect per run of pages that must change (each call
// splits the mapping and flushes the TLB; start-up, issue 4).
Status protect(uint8_t* base, const Segments& seg) {
  const uint64_t size = seg.size;
  uint64_t relro_begin = 0, relro_end = 0;
  if (seg.relro) {
    relro_begin = page_down(seg.relro->p_vaddr);
    relro_end = std::min(page_down(seg.relro->p_vaddr + seg.relro->p_memsz), size);
  }
  auto final_protection = [&](uint64_t page) {
    if (page >= relro_begin && page < relro_end) return PROT_READ;
    for (const Elf64_Phdr& ph : seg.loads)
      if (page >= page_down(ph.p_vaddr) && page < page_up(ph.p_vaddr + ph.p_memsz))
        return protection(ph.p_flags);
    return PROT_NONE;
  };
  for (uint64_t run = 0; run < size;) {
    int prot = final_protection(run);
    uint64_t end = run + page_size();
    while (end < size && final_protection(end) == prot) end += page_size();
    if (prot != (PROT_READ | PROT_WRITE) && mprotect(base + run, end - run, prot) != 0)
      return make_error(ErrorCode::OutOfMemory, "cannot protect an artifact's code");
    run = end;
  }
  return {};
}

// The unwinder reads the unwind tables up to their terminator: only when
// those bytes lie in the pages of a readable segment are they registered.
bool readable(const std::vector<Elf64_Phdr>& loads, uint64_t eh_frame_end) {
  bool readable = false;
  for (const Elf64_Phdr& ph : loads)
    readable |= (ph.p_flags & PF_R) && page_down(ph.p_vaddr) < eh_frame_end &&
                eh_frame_end <= page_up(ph.p_vaddr + ph.p_memsz);
  return readable;
}

}  // namespace

// Loads as the dynamic loader would, but only what Flint's own artifacts
// contain: check the header, map and copy the segments, relocate, find the
// symbols and unwind tables, protect, register the unwind tables.
Result<CodeImage> CodeImage::load(std::span<const uint8_t> elf) {
  FLINT_ASSIGN(Elf64_Ehdr eh, check_header(elf));
  FLINT_ASSIGN(Segments seg, read_segments(elf, eh));
  const uint64_t size = seg.size;

  void* mapped = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED)
    return make_error(ErrorCode::OutOfMemory, "cannot map an artifact's code");
  CodeImage image;  // unmaps on every return below but the last
  image.base_ = static_cast<uint8_t*>(mapped);
  image.size_ = size;
  uint8_t* base = image.base_;
  for (const Elf64_Phdr& ph : seg.loads)
    std::memcpy(base + ph.p_vaddr, elf.data() + ph.p_offset, ph.p_filesz);

  FLINT_TRY(relocate(base, size, seg.dynamic));
  FLINT_ASSIGN(Sections sections, find_sections(elf, eh, base, size));
  image.dynsym_ = sections.dynsym;
  image.dynsym_count_ = sections.dynsym_count;
  image.dynstr_ = sections.dynstr;
  image.dynstr_size_ = sections.dynstr_size;
  image.eh_frame_ = sections.eh_frame;
  FLINT_TRY(protect(base, seg));

  for (const Elf64_Phdr& ph : seg.loads)
    if (ph.p_flags & PF_X) {
      image.code_begin_ = image.code_begin_
                              ? std::min<uintptr_t>(image.code_begin_, uintptr_t(base + ph.p_vaddr))
                              : uintptr_t(base + ph.p_vaddr);
      image.code_end_ =
          std::max<uintptr_t>(image.code_end_, uintptr_t(base + ph.p_vaddr + ph.p_memsz));
    }
  if (image.eh_frame_ && !readable(seg.loads, sections.eh_frame_end)) image.eh_frame_ = nullptr;
  if (image.eh_frame_) __register_frame(image.eh_frame_);
  return image;
}

const void* CodeImage::symbol(const char* name) const {
  std::string_view wanted(name);
  for (size_t i = 0; i < dynsym_count_; ++i) {
    auto sym = read_at<Elf64_Sym>(dynsym_ + i * sizeof(Elf64_Sym));
    if (sym.st_shndx == SHN_UNDEF || sym.st_name >= dynstr_size_) continue;
    std::string_view s(dynstr_ + sym.st_name,
                       strnlen(dynstr_ + sym.st_name, dynstr_size_ - sym.st_name));
    if (s == wanted && sym.st_value < size_) return base_ + sym.st_value;
  }
  return nullptr;
}

}  // namespace flint::aot
