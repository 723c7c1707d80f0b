# The two exception tags LLVM's wasm code refers to but neither zig's
# wasi-libc nor its libc++abi defines (wasi-libc SDK builds and Emscripten
# define them in their runtimes): __c_longjmp, thrown by longjmp with
# -mllvm -wasm-enable-sjlj, and __cpp_exception, thrown by C++ throw with
# -fwasm-exceptions.  Both carry one i32 (a pointer into linear memory).
	.globl	__c_longjmp
	.tagtype	__c_longjmp i32
__c_longjmp:

	.globl	__cpp_exception
	.tagtype	__cpp_exception i32
__cpp_exception:
