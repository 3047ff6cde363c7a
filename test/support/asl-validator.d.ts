// asl-validator ships no type declarations; this is the part the tests use.
declare module "asl-validator" {
  interface ValidationResult {
    isValid: boolean;
    errors: { message?: string; [key: string]: unknown }[];
  }
  export default function validate(definition: unknown): ValidationResult;
}
