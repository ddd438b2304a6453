// The start-up benchmark of issue 4: `flint run hello.fwasm` against native
// hello, and instantiation of this module (bench/instantiate).
#include <stdio.h>
int main(void){puts("hello, world");return 0;}
