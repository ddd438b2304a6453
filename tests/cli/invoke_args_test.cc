// Typed arguments for `flint run --invoke` and how results print.
#include "cli/invoke_args.h"

#include <cmath>

#include <gtest/gtest.h>

namespace flint::cli {
namespace {

TEST(InvokeArgsTest, IntegersAcceptSignedAndUnsignedRanges) {
  EXPECT_EQ(parse_argument("42", ValType::I32)->i32, 42u);
  EXPECT_EQ(parse_argument("-1", ValType::I32)->i32, 0xffffffffu);
  EXPECT_EQ(parse_argument("4294967295", ValType::I32)->i32, 0xffffffffu);
  EXPECT_EQ(parse_argument("-2147483648", ValType::I32)->i32, 0x80000000u);
  EXPECT_EQ(parse_argument("0x10", ValType::I32)->i32, 16u);
  EXPECT_EQ(parse_argument("-9223372036854775808", ValType::I64)->i64, 0x8000000000000000ull);
  EXPECT_EQ(parse_argument("18446744073709551615", ValType::I64)->i64, ~0ull);
}

TEST(InvokeArgsTest, RejectsWhatDoesNotFit) {
  EXPECT_FALSE(parse_argument("4294967296", ValType::I32).ok());
  EXPECT_FALSE(parse_argument("-2147483649", ValType::I32).ok());
  EXPECT_FALSE(parse_argument("12abc", ValType::I32).ok());
  EXPECT_FALSE(parse_argument("", ValType::I64).ok());
  EXPECT_FALSE(parse_argument("1.5x", ValType::F64).ok());
  EXPECT_FALSE(parse_argument("7", ValType::FuncRef).ok());
  auto error = parse_argument("zz", ValType::I32).error();
  EXPECT_NE(error.message().find("'zz'"), std::string::npos);
}

TEST(InvokeArgsTest, Floats) {
  EXPECT_EQ(parse_argument("1.5", ValType::F32)->as_f32(), 1.5f);
  // 0.1 rounds once, straight to single precision.
  EXPECT_EQ(parse_argument("0.1", ValType::F32)->f32_bits, 0x3dcccccdu);
  EXPECT_TRUE(std::isnan(parse_argument("nan", ValType::F64)->as_f64()));
  EXPECT_TRUE(std::isinf(parse_argument("-inf", ValType::F64)->as_f64()));
}

TEST(InvokeArgsTest, ResultsPrintLikeWasmtime) {
  EXPECT_EQ(format_result(Value::i32_(0xffffffffu)), "-1");
  EXPECT_EQ(format_result(Value::i64_(75025)), "75025");
  EXPECT_EQ(format_result(Value::f64_(2.5)), "2.5");
  EXPECT_EQ(format_result(Value::null_(ValType::ExternRef)), "null");
}

}  // namespace
}  // namespace flint::cli
