/* A small bytecode interpreter filling a table of N elements (issue 14: a
 * real interpreter filling a 17-million-element table at the default --mem
 * ran for minutes; qemu-riscv64 finishes it). Like Lua's array part, the
 * table holds 16-byte tagged values and doubles with realloc.
 * Usage: interp N. Prints the element count and a checksum. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct value {
    uint64_t tag;
    int64_t n;
};

struct table {
    struct value *v;
    uint64_t len, cap;
};

enum op { OP_PUSHI, OP_LOAD, OP_STORE, OP_ADD, OP_MUL, OP_MOD, OP_LT, OP_JZ, OP_JMP, OP_TSET, OP_HALT };

struct insn {
    enum op op;
    int64_t arg;
};

static void tset(struct table *t, int64_t k, int64_t val)
{
    if ((uint64_t)k >= t->cap) {
        uint64_t cap = t->cap ? t->cap * 2 : 16;
        while (cap <= (uint64_t)k)
            cap *= 2;
        struct value *nv = realloc(t->v, cap * sizeof *nv);
        if (!nv) {
            fprintf(stderr, "interp: not enough memory\n");
            exit(1);
        }
        t->v = nv;
        t->cap = cap;
    }
    t->v[k] = (struct value){.tag = 3, .n = val};
    if ((uint64_t)k >= t->len)
        t->len = (uint64_t)k + 1;
}

static void run(const struct insn *code, int64_t *vars, struct table *t)
{
    int64_t stack[16];
    int sp = 0;
    for (const struct insn *pc = code;; pc++) {
        switch (pc->op) {
        case OP_PUSHI: stack[sp++] = pc->arg; break;
        case OP_LOAD: stack[sp++] = vars[pc->arg]; break;
        case OP_STORE: vars[pc->arg] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_MOD: sp--; stack[sp - 1] %= stack[sp]; break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        case OP_JZ: if (!stack[--sp]) pc = code + pc->arg - 1; break;
        case OP_JMP: pc = code + pc->arg - 1; break;
        case OP_TSET: sp -= 2; tset(t, stack[sp], stack[sp + 1]); break;
        case OP_HALT: return;
        }
    }
}

int main(int argc, char **argv)
{
    int64_t n = argc > 1 ? strtoll(argv[1], NULL, 0) : 17000000;
    /* i = 0; while (i < n) { t[i] = i * i % 1000003; i = i + 1 } */
    const struct insn prog[] = {
        {OP_PUSHI, 0}, {OP_STORE, 0},                               /* 0: i = 0 */
        {OP_LOAD, 0},  {OP_PUSHI, n}, {OP_LT, 0}, {OP_JZ, 18},      /* 2: while i < n */
        {OP_LOAD, 0},  {OP_LOAD, 0},  {OP_LOAD, 0}, {OP_MUL, 0},    /* 6: key i, i*i */
        {OP_PUSHI, 1000003}, {OP_MOD, 0}, {OP_TSET, 0},             /* 10: t[i] = i*i % p */
        {OP_LOAD, 0},  {OP_PUSHI, 1}, {OP_ADD, 0}, {OP_STORE, 0},   /* 13: i = i + 1 */
        {OP_JMP, 2},   {OP_HALT, 0},                                /* 17, 18 */
    };
    int64_t vars[4] = {0};
    struct table t = {0};
    run(prog, vars, &t);
    uint64_t sum = 0;
    for (uint64_t i = 0; i < t.len; i++)
        sum = sum * 31 + (uint64_t)t.v[i].n;
    printf("%llu elements, checksum %llu\n", (unsigned long long)t.len, (unsigned long long)sum);
    return 0;
}
