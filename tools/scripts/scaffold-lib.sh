#!/usr/bin/env bash
# Writes the Nx project files for a TypeScript library: scaffold-lib.sh <root> <name> <tags-json> <jest-env>
set -euo pipefail
root=$1; name=$2; tags=$3; env=${4:-node}
depth=$(echo "$root" | awk -F/ '{print NF}')
up=$(printf '../%.0s' $(seq 1 "$depth"))
mkdir -p "$root/src"
cat > "$root/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "${up}node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "library",
  "tags": $tags,
  "targets": {}
}
JSON
cat > "$root/tsconfig.json" <<JSON
{
  "extends": "${up}tsconfig.base.json",
  "files": [],
  "include": [],
  "references": [{ "path": "./tsconfig.lib.json" }, { "path": "./tsconfig.spec.json" }]
}
JSON
cat > "$root/tsconfig.lib.json" <<JSON
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "${up}dist/out-tsc", "types": ["node"] },
  "include": ["src/**/*.ts"],
  "exclude": ["jest.config.ts", "src/**/*.spec.ts", "src/**/*.test.ts"]
}
JSON
cat > "$root/tsconfig.spec.json" <<JSON
{
  "extends": "./tsconfig.json",
  "compilerOptions": { "outDir": "${up}dist/out-tsc", "module": "commonjs", "moduleResolution": "node10", "types": ["jest", "node"], "isolatedModules": true },
  "include": ["jest.config.ts", "src/**/*.test.ts", "src/**/*.spec.ts", "src/**/*.d.ts", "test/**/*.ts"]
}
JSON
cat > "$root/jest.config.ts" <<JSON
export default {
  displayName: '$name',
  preset: '${up}jest.preset.js',
  testEnvironment: '$env',
  transform: {
    '^.+\\\\.[tj]s\$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '${up}coverage/$root',
};
JSON
cat > "$root/eslint.config.mjs" <<JSON
import baseConfig from '${up}eslint.config.mjs';

export default [...baseConfig];
JSON
